/** This package's version, sent to the Delivery API as `X-EXC-SDK-Version` (a test keeps it equal to package.json). */
export const SDK_VERSION = "0.0.0";

/** The SDK name sent as `X-EXC-SDK`; our own, so Target's logs never mistake this client for Adobe's. */
export const SDK_NAME = "DecisioningClientNode";
