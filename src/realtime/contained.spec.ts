import { Logger } from '@nestjs/common';
import { contained } from './contained.js';

describe('contained', () => {
  const logger = new Logger('test');
  let errors: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => errors.mockRestore());

  it('logs a thrown error with what was running, then runs the remedy', () => {
    const remedy = vi.fn<() => void>();
    expect(() =>
      contained(
        logger,
        'the listener',
        () => {
          throw new TypeError('boom');
        },
        remedy,
      ),
    ).not.toThrow();
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/^the listener failed: TypeError: boom/));
    expect(remedy).toHaveBeenCalledOnce();
  });

  it('catches a rejection instead of leaving it unhandled', async () => {
    const remedy = vi.fn<() => void>();
    contained(logger, 'the handler', () => Promise.reject(new Error('later')), remedy);
    await vi.waitFor(() => expect(remedy).toHaveBeenCalledOnce());
    expect(errors).toHaveBeenCalledWith(expect.stringContaining('the handler failed: Error: later'));
  });

  it('contains a remedy that fails too', () => {
    expect(() =>
      contained(
        logger,
        'the timer',
        () => {
          throw new Error('first');
        },
        () => {
          throw new Error('second');
        },
      ),
    ).not.toThrow();
    expect(errors).toHaveBeenCalledTimes(2);
  });

  it('logs nothing when the callback succeeds', async () => {
    contained(logger, 'fine', () => Promise.resolve(1));
    contained(logger, 'fine', () => 1);
    await Promise.resolve();
    expect(errors).not.toHaveBeenCalled();
  });
});
