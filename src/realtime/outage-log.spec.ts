import { OutageLog } from './outage-log.js';

describe('OutageLog', () => {
  it('logs the first failure, then at 10, 100... failures, then the recovery', () => {
    const lines: string[] = [];
    const log = new OutageLog(
      { warn: (m: string) => lines.push(`warn ${m}`), log: (m: string) => lines.push(`log ${m}`) },
      'inserts',
    );
    for (let i = 0; i < 100; i++) log.failed(new Error(`no primary ${i + 1}`));
    log.succeeded();
    log.succeeded();
    expect(lines).toEqual([
      'warn inserts fail: no primary 1 (further failures are counted, not logged)',
      'warn inserts still fail: 10 failures so far, the last: no primary 10',
      'warn inserts still fail: 100 failures so far, the last: no primary 100',
      'log inserts succeed again after 100 failure(s)',
    ]);
  });
});
