/** `@decisioning/testing/servers`: real HTTP fakes on 127.0.0.1 for tests (Node only). */
export { startFakeCdn, obfuscateArtifact } from "./cdn.js";
export type { FakeCdn, FakeCdnOptions } from "./cdn.js";
export { startFakeDeliveryApi } from "./delivery.js";
export type { DeliveryCall, DeliveryHandler, FakeDeliveryApi, FakeDeliveryApiOptions } from "./delivery.js";
export { fault, FaultScript } from "./http.js";
export type { Fault, RecordedRequest } from "./http.js";
