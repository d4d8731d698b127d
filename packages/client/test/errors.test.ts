import { DecisioningError } from "@decisioning/engine";
import { describe, expect, it } from "vitest";
import {
  AttributeNotFoundError,
  ClientErrorCode,
  DeliveryApiError,
  EngineNotReadyError,
  NotificationDroppedError,
  OptionsError,
  TargetClientError,
} from "@decisioning/client";

describe("the client's errors", () => {
  it.each<[string, TargetClientError]>([
    ["OptionsError", new OptionsError(ClientErrorCode.ClientRequired, "client required", "client")],
    ["DeliveryApiError", new DeliveryApiError(ClientErrorCode.DeliveryTimeout, "timed out", { url: "https://x/" })],
    ["AttributeNotFoundError", new AttributeNotFoundError("m", "k")],
    ["EngineNotReadyError", new EngineNotReadyError()],
    ["NotificationDroppedError", new NotificationDroppedError("queue-full")],
  ])("extend the engine's DecisioningError, with the client's codes (%s)", (name, error) => {
    expect(error).toBeInstanceOf(DecisioningError);
    expect(error).toBeInstanceOf(TargetClientError);
    expect(error.name).toBe(name);
    expect(Object.values(ClientErrorCode)).toContain(error.code);
  });

  it("keep the cause they are given", () => {
    const cause = new Error("socket hang up");
    expect(new TargetClientError(ClientErrorCode.DeliveryNetworkError, "failed", { cause }).cause).toBe(cause);
  });
});
