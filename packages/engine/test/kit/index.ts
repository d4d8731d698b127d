export * from "./artifacts.js";
export * from "./engine.js";
export * from "./events.js";
export * from "./timers.js";
export * from "./loader-rig.js";
