import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { ConsoleSocket } from '../support/console-client.ts';
import { startTestHotline, until, type TestHotline } from '../support/hotline.ts';
import { registryCall } from '../support/registry-call.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

// GIVEN an operator's real socket.io client reaching the server through a TCP proxy; WHEN the link
// drops for a moment while their call goes on; THEN on reconnecting socket.io recovers the session
// (socket.recovered): the operator's rooms are back and the events missed are replayed — theirs only,
// each once — and the sign-in check runs again, so a session ended meanwhile is refused.
describe('console connection-state recovery at the socket', () => {
  let t: TestHotline;
  let proxy: TcpProxy;
  beforeAll(async () => {
    t = await startTestHotline();
    proxy = await startTcpProxy(t.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  function client(cookie: string) {
    const socket: ConsoleSocket = io(`${proxy.url}/console`, { extraHeaders: { cookie }, transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 200 });
    const finals: string[] = [];
    const errors: string[] = [];
    socket.on('transcript:final', (line) => finals.push(`${line.callSid}/${line.speaker}@${line.offsetMs}`));
    socket.on('connect_error', (error) => errors.push(error.message));
    return { socket, finals, errors };
  }
  const connected = (socket: ConsoleSocket) => until(() => socket.connected, 10_000, 'connected');

  it("replays an operator's missed events of their own call, once, and none of another's", async () => {
    const mine = client((await t.signIn('op-a', 'operator')).cookie);
    await connected(mine.socket);
    const other = await t.signIn('op-b', 'operator'); // a second operator takes the second call
    const theirs = client(other.cookie);
    await connected(theirs.socket);
    const first = registryCall(t.hotline, '+8613800005555');
    await until(() => t.hotline.registry.get(first.callSid)?.operator !== undefined, 5000, 'first call assigned');
    const second = registryCall(t.hotline, '+8613800006666');
    await until(() => t.hotline.registry.get(second.callSid)?.operator !== undefined, 5000, 'second call assigned');
    const [a, b] = t.hotline.registry.get(first.callSid)!.operator!.username === 'op-a' ? [first, second] : [second, first];
    theirs.socket.close();

    a.say('caller', '你好，我的社保卡丢了', 1000);
    await until(() => mine.finals.length === 1, 5000, 'the first line');

    proxy.drop();
    await until(() => !mine.socket.connected, 5000, 'the drop');
    a.say('operator', '请问您在哪里丢的', 4000);
    a.say('caller', '在公交车上', 7000);
    b.say('caller', '别人的电话', 2000);
    proxy.restore();
    await connected(mine.socket);

    expect(mine.socket.recovered).toBe(true);
    await until(() => mine.finals.length >= 3, 5000, 'the missed lines');
    // And live again afterwards, in the rooms it had.
    a.say('operator', '请带身份证到社保网点补办', 10_000);
    await until(() => mine.finals.length >= 4, 5000, 'a line after the reconnect');
    expect(mine.finals).toEqual([`${a.callSid}/caller@1000`, `${a.callSid}/operator@4000`, `${a.callSid}/caller@7000`, `${a.callSid}/operator@10000`]);
    a.end();
    b.end();
    mine.socket.close();
  });

  it('runs the sign-in check again on reconnect: a session signed out meanwhile is refused', async () => {
    const { cookie } = await t.signIn('op-c', 'operator');
    const c = client(cookie);
    await connected(c.socket);
    proxy.drop();
    await until(() => !c.socket.connected, 5000, 'the drop');
    const out = await fetch(`${t.url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    proxy.restore();
    await until(() => c.errors.includes('unauthorized'), 10_000, 'the reconnect refused');
    expect(c.socket.connected).toBe(false);
    c.socket.close();
  });
});
