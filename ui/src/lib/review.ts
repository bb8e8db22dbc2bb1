// Review-by dates and rotation plans, in words and in the user's calendar.

import type { GracePeriod, ReviewStage, TokenReview } from './bindings';

/** The review presets the create wizard and the token page offer, in days. */
export const REVIEW_PRESETS = [30, 90, 365] as const;

/** The date `days` from today, as `YYYY-MM-DD` on the user's calendar. */
export function dateInDays(days: number, from: Date = new Date()): string {
  const date = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "30 Nov 2026" for a `YYYY-MM-DD` date. */
export function formatDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  if (!year || !month || !date) return day;
  return longDate.format(new Date(year, month - 1, date));
}

/** "in 40 days", "tomorrow", "today", "3 days overdue". */
export function describeDaysLeft(days: number): string {
  if (days > 1) return `in ${days} days`;
  if (days === 1) return 'tomorrow';
  if (days === 0) return 'today';
  return days === -1 ? '1 day overdue' : `${-days} days overdue`;
}

/** Whether a review needs attention soon (the list's "due soon" filter). */
export function isDueSoon(stage: ReviewStage): boolean {
  return stage !== 'later';
}

/** The tone of a review's badge. */
export function reviewTone(review: TokenReview): 'due' | 'soon' | 'later' {
  // Red once the date has passed, amber in the 30 days before it (the date itself included).
  if (review.daysLeft < 0) return 'due';
  if (review.daysLeft <= 30) return 'soon';
  return 'later';
}

/** The grace periods Rotate… offers, in order. */
export const GRACE_PERIODS: { value: GracePeriod; label: string; hint: string }[] = [
  { value: 'now', label: 'Now', hint: 'The old token stops working at once.' },
  { value: 'oneHour', label: '1 hour', hint: 'Time to paste the new value into one system.' },
  { value: 'oneDay', label: '1 day', hint: 'Time for a deployment or two.' },
  { value: 'sevenDays', label: '7 days', hint: 'For systems owned by other teams.' },
];
