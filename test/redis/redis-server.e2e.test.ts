// The test helper that starts a real redis-server: it answers, it is gone after stop(), and a missing
// binary fails with the install command instead of skipping.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer } from '../helpers/redis-server.js';

/** Sends one inline command over a raw socket (no client library), then QUIT; resolves to the reply's lines. */
function command(port: number, line: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(`${line}\r\nQUIT\r\n`));
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => (text += data));
    socket.once('end', () => resolve(text.split('\r\n').slice(0, -2))); // less QUIT's "+OK" and the last ""
    socket.once('error', reject);
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startRedisServer', () => {
  const saved = process.env.REDIS_SERVER;
  afterEach(() => {
    if (saved === undefined) delete process.env.REDIS_SERVER;
    else process.env.REDIS_SERVER = saved;
  });

  it('starts a private server on a loopback port without persistence, and stop() leaves nothing', async () => {
    const redis = await startRedisServer();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'PING')).toEqual(['+PONG']);
    expect(await command(redis.port, 'CONFIG GET save')).toEqual(['*2', '$4', 'save', '$0', '']);
    expect(await command(redis.port, 'CONFIG GET appendonly')).toEqual(['*2', '$10', 'appendonly', '$2', 'no']);
    expect(await command(redis.port, 'CONFIG GET bind')).toEqual(['*2', '$4', 'bind', '$9', '127.0.0.1']);
    const info = (await command(redis.port, 'INFO server')).join('\n');
    const pid = Number(/process_id:(\d+)/.exec(info)![1]);
    expect(alive(pid)).toBe(true);
    await redis.stop();
    expect(alive(pid)).toBe(false);
    await expect(command(redis.port, 'PING')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await redis.stop(); // a second stop is harmless
  });

  it('freeze() makes commands hang until thaw(), and a frozen server still stops', async () => {
    const redis = await startRedisServer();
    redis.freeze();
    const reply = command(redis.port, 'PING');
    const early = await Promise.race([reply, new Promise((resolve) => setTimeout(resolve, 200, 'no answer'))]);
    expect(early).toBe('no answer');
    redis.thaw();
    expect(await reply).toEqual(['+PONG']);
    redis.freeze();
    await redis.stop();
  });

  it('two servers never share a port or data', async () => {
    const [a, b] = await Promise.all([startRedisServer(), startRedisServer()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(await command(a.port, 'SET shared a')).toEqual(['+OK']);
      expect(await command(b.port, 'GET shared')).toEqual(['$-1']);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('fails (never skips) with the install command when redis-server is missing', async () => {
    process.env.REDIS_SERVER = '/nonexistent/redis-server';
    await expect(startRedisServer()).rejects.toThrow('apt-get install -y redis-server');
  });
});
