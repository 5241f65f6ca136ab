// How long a test waits for the page to become interactive. The test build's WASM is the debug
// build (about 8 MB), fetched only after the page's `load` event; on a busy 2-core CI machine
// compiling and hydrating it has taken over 10 s.
export const HYDRATION_TIMEOUT = 30_000;
