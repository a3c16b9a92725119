import { describe, expect, it } from 'vitest';
import { currentStep, currentStepIndex, isLate, lateBy, runningLate } from '../../src/services/jobs/progress';

const step = (
  status: 'pending' | 'active' | 'blocked' | 'done' | 'skipped',
  promisedAt: number | null = null,
) => ({
  status,
  promisedAt,
  doneAt: status === 'done' ? 500 : null,
});

describe('where a job stands', () => {
  it('the current step is the one being worked on, else the next one to do', () => {
    expect(currentStepIndex([step('done'), step('pending'), step('active')])).toBe(2);
    expect(currentStepIndex([step('done'), step('blocked'), step('pending')])).toBe(1);
    expect(currentStepIndex([step('done'), step('skipped'), step('pending')])).toBe(2);
    expect(currentStepIndex([step('done'), step('skipped')])).toBe(-1);
    expect(currentStep([step('done')])).toBeUndefined();
  });

  it('a step is late past its promise: finished after it, or still open after it', () => {
    expect(lateBy(step('done', 400), 1000)).toBe(100);
    expect(lateBy(step('done', 600), 1000)).toBe(0);
    expect(lateBy(step('active', 700), 1000)).toBe(300);
    expect(isLate(step('pending', 1000), 1000)).toBe(false);
    expect(isLate(step('skipped', 10), 1000)).toBe(false);
    expect(isLate(step('active'), 1000)).toBe(false);
  });

  it('the job runs late when its promise has passed and it is not done', () => {
    expect(runningLate({ promisedDoneAt: 900, doneAt: null }, 1000)).toBe(true);
    expect(runningLate({ promisedDoneAt: 900, doneAt: 950 }, 1000)).toBe(false);
    expect(runningLate({ promisedDoneAt: 1100, doneAt: null }, 1000)).toBe(false);
    expect(runningLate(null, 1000)).toBe(false);
  });
});
