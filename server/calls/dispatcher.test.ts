import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { MemoryCallStore } from '../store/memory-store.ts';
import { Dispatcher } from './dispatcher.ts';
import { CallRegistry } from './registry.ts';

const sid = (n: number) => `CA${String(n).padStart(32, '0')}`;
const op = (name: string) => ({ userId: `id-${name}`, username: name, displayName: name });

function setup() {
  let clock = 1_000;
  const store = new MemoryCallStore();
  const registry = new CallRegistry({ store, callerHashSecret: 'dispatcher-test-secret', logger: silentLogger });
  const dispatcher = new Dispatcher({ registry, logger: silentLogger, now: () => clock });
  const queue = (n: number) => {
    const call = registry.start({ callSid: sid(n), accountSid: `AC${'0'.repeat(32)}`, from: '+8613800001234', to: '+8612345', status: 'in-progress' });
    registry.queued(call, 'consult', 'consult');
    return call;
  };
  const end = (n: number) => registry.status(sid(n), 'completed');
  return { registry, dispatcher, store, queue, end, tick: (ms: number) => (clock += ms) };
}

describe('dispatcher', () => {
  it('gives each queued call to the available operator idle the longest, and records them on the call', async () => {
    const { dispatcher, queue, tick, store } = setup();
    dispatcher.connected(op('op1'));
    tick(10);
    dispatcher.connected(op('op2'));
    const first = queue(1);
    expect(first.operator).toMatchObject({ userId: 'id-op1', username: 'op1' });
    expect((await store.load(0)).find((c) => c.callSid === sid(1))?.operator?.username).toBe('op1'); // stored
    const second = queue(2);
    expect(second.operator?.username).toBe('op2');
    expect(dispatcher.status('id-op1')).toMatchObject({ state: 'busy', callSid: sid(1) });
  });

  it('keeps a call waiting until someone is available, first come first served', () => {
    const { dispatcher, queue, end, tick } = setup();
    dispatcher.connected(op('op1'));
    dispatcher.setState('id-op1', 'busy');
    const a = queue(1);
    tick(5);
    const b = queue(2);
    expect(a.operator).toBeUndefined();
    expect(dispatcher.queueLength).toBe(2);
    // WHEN the operator becomes available, THEN the older call is theirs
    dispatcher.setState('id-op1', 'available');
    expect(a.operator?.username).toBe('op1');
    expect(b.operator).toBeUndefined();
    // WHEN that call ends, THEN they are in after-call work and get nothing until available again
    end(1);
    expect(dispatcher.status('id-op1')?.state).toBe('after_call_work');
    expect(b.operator).toBeUndefined();
    dispatcher.setState('id-op1', 'available');
    expect(b.operator?.username).toBe('op1');
  });

  it('never gives a call to an operator with no console open, and drops a call that ends while waiting', () => {
    const { dispatcher, queue, end } = setup();
    dispatcher.connected(op('op1'));
    dispatcher.disconnected('id-op1');
    const a = queue(1);
    expect(a.operator).toBeUndefined();
    end(1);
    expect(dispatcher.queueLength).toBe(0);
    dispatcher.connected(op('op1')); // back, still available: nothing left to give
    expect(dispatcher.status('id-op1')).toMatchObject({ state: 'available', callSid: null, connected: true });
  });

  it('counts the calls waiting per queue, keeps emptied queues listed, and says when the queue changes', () => {
    const { registry, dispatcher, queue, tick } = setup();
    const seen: unknown[] = [];
    dispatcher.on('queues', (q) => seen.push(q));
    queue(1);
    tick(5);
    const other = registry.start({ callSid: sid(2), accountSid: `AC${'0'.repeat(32)}`, from: '+8613800001234', to: '+8612345', status: 'in-progress' });
    registry.queued(other, 'complaint', 'complaint');
    queue(3);
    expect(dispatcher.queues()).toEqual([
      { queue: 'complaint', waiting: 1, oldestQueuedAt: other.queuedAt },
      { queue: 'consult', waiting: 2, oldestQueuedAt: registry.get(sid(1))!.queuedAt },
    ]);
    dispatcher.connected(op('op1'));
    dispatcher.connected(op('op2'));
    dispatcher.connected(op('op3'));
    expect(dispatcher.queues()).toEqual([{ queue: 'complaint', waiting: 0, oldestQueuedAt: null }, { queue: 'consult', waiting: 0, oldestQueuedAt: null }]);
    expect(seen.at(-1)).toEqual(dispatcher.queues());
    expect(seen.length).toBeGreaterThanOrEqual(4);
  });

  it('frees the operator of a call a supervisor takes over, and takes a waiting call out of the queue', () => {
    const { registry, dispatcher, queue, end } = setup();
    dispatcher.connected(op('op1'));
    const a = queue(1);
    registry.takenOver(a, { username: 'super', displayName: '班长' });
    expect(dispatcher.status('id-op1')).toMatchObject({ state: 'after_call_work', callSid: null });
    end(1); // the call ending later does not change their state again
    expect(dispatcher.status('id-op1')).toMatchObject({ state: 'after_call_work', callSid: null });

    const b = queue(2); // nobody available: it waits
    expect(dispatcher.queueLength).toBe(1);
    registry.takenOver(b, { username: 'super', displayName: '班长' });
    expect(dispatcher.queueLength).toBe(0);
    dispatcher.setState('id-op1', 'available');
    expect(b.operator).toBeUndefined();

    // The supervisor did not answer: the caller goes back to the queue and to the next free operator.
    registry.backToQueue(b);
    expect(b.takenOver).toBeUndefined();
    expect(b.operator?.username).toBe('op1');
  });

  it('frees the operator of a call transferred to 110/119/120 (not of one Twilio refused), and gives a transferred call to nobody after a restart', () => {
    const { registry, dispatcher, queue } = setup();
    dispatcher.connected(op('op1'));
    const a = queue(1);
    const who = { to: '120' as const, dialed: '120', by: 'op1', byName: 'op1' };
    registry.transfer(a, { ...who, error: 'Twilio answered 500' });
    expect(dispatcher.status('id-op1')).toMatchObject({ state: 'busy', callSid: sid(1) });
    registry.transfer(a, who);
    expect(dispatcher.status('id-op1')).toMatchObject({ state: 'after_call_work', callSid: null });
    expect(a.transfers!.map((x) => x.error ?? null)).toEqual(['Twilio answered 500', null]);

    // A restarted server finds the call live but transferred: neither in op1's hands nor waiting.
    const restarted = new Dispatcher({ registry, logger: silentLogger });
    expect(restarted.queueLength).toBe(0);
    restarted.connected(op('op1'));
    expect(restarted.status('id-op1')).toMatchObject({ state: 'available', callSid: null });
  });
});
