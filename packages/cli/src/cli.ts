#!/usr/bin/env node
/**
 * The `autolog` binary.
 */
import { run } from './program.js';

// `autolog search | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await run(process.argv.slice(2));
// Exit once the output is written, even if a destination left a timer or socket behind.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
