export type { CliIo, Stream } from './output.js';
export { createProgram, run } from './program.js';
