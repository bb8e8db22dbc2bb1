// The review-by pill's colour: amber in the 30 days before the date (the date
// itself included), red once it has passed.

import { describe, expect, it } from 'vitest';
import type { TokenReview } from '../src/lib/bindings';
import { reviewTone } from '../src/lib/review';

function review(daysLeft: number): TokenReview {
  return { daysLeft } as TokenReview;
}

describe('the review-by pill', () => {
  it('turns amber within 30 days and red when overdue', () => {
    expect(reviewTone(review(31))).toBe('later');
    expect(reviewTone(review(30))).toBe('soon');
    expect(reviewTone(review(7))).toBe('soon');
    expect(reviewTone(review(0))).toBe('soon');
    expect(reviewTone(review(-1))).toBe('due');
  });
});
