/** `@decisioning/testing/servers`: real HTTP fakes of Target on 127.0.0.1 for tests (Node only). */
export { startFakeCdn } from "./cdn.js";
export { startFakeDeliveryApi } from "./delivery.js";
export { fault } from "./faults.js";
export { bodyBytes, etagOf } from "./bodies.js";
export { obfuscateArtifact } from "./obfuscate.js";
export type {
  DeliveryCall,
  DeliveryHandler,
  FakeCdn,
  FakeCdnOptions,
  FakeDeliveryApi,
  FakeDeliveryApiOptions,
  FakeServer,
  FakeServerOptions,
  Fault,
  FaultChooser,
  Offers,
  Outcome,
  RecordedRequest,
  Route,
} from "./types.js";
