import dayjs from 'dayjs';
import relativeTime from 'dayjs/plugin/relativeTime';

dayjs.extend(relativeTime);

/** "3 minutes ago" */
export const relativeTimeOf = (iso: string): string => dayjs(iso).fromNow();

// One formatter: building one per call is what makes toLocaleString slow in long lists.
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "21 Nov 2026, 10:15" in the viewer's time zone and locale. */
export const absoluteTimeOf = (iso: string): string => absolute.format(new Date(iso));

/** A local calendar day (YYYY-MM-DD) as "21 Nov 2026". */
export const absoluteDay = (day: string): string => dayjs(day).format('D MMM YYYY');
