import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll } from 'vitest';
import { FAST_ENV } from '../helpers';

/**
 * `node dist/server.mjs` as test/server.ts starts it, but handing back the process itself: the
 * operations tests signal it and watch how (and when) it exits.
 */
export async function spawnWatched(env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', './test/exit-with-parent.mjs', 'dist/server.mjs'],
    {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_REQUESTS: '0', ...FAST_ENV, ...env },
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message.type === 'ready' && message.url) resolve(message.url);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited (${signal ?? code}) before it listened:\n${output}`)),
    );
  });
  child.disconnect();
  return { url, child, exited, output: () => output };
}
