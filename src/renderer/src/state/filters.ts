import dayjs from 'dayjs';
import type { SessionListInput } from '../../../shared/schemas/sessions';
import { setSearchParams, useSearchParams } from './location';

export type RangePreset = 'today' | '7d' | '30d' | 'all' | 'custom';
export type SortOrder = 'DESC' | 'ASC';
export type SortBy = 'updated' | 'created';

export const RANGE_PRESETS: { value: Exclude<RangePreset, 'custom'>; label: string }[] = [
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'all', label: 'All time' },
];

/** What the session list shows, as kept in the URL. Days are local calendar days, YYYY-MM-DD. */
export interface Filters {
  flowId?: string;
  q?: string;
  range: RangePreset;
  from?: string;
  to?: string;
  sort: SortOrder;
  by: SortBy;
}

const DAY = 'YYYY-MM-DD';
const isDay = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && dayjs(s).isValid();

export function filtersFrom(params: URLSearchParams): Filters {
  const range = params.get('range');
  const from = params.get('from');
  const to = params.get('to');
  return {
    flowId: params.get('flow') || undefined,
    q: params.get('q') || undefined,
    range: range === 'today' || range === '7d' || range === '30d' || range === 'custom' ? range : 'all',
    from: isDay(from) ? from : undefined,
    to: isDay(to) ? to : undefined,
    sort: params.get('sort') === 'ASC' ? 'ASC' : 'DESC',
    by: params.get('by') === 'created' ? 'created' : 'updated',
  };
}

export function useFilters(): Filters {
  return filtersFrom(useSearchParams());
}

export function setFilters(changes: Partial<Filters>): void {
  const mapped: Record<string, string | undefined> = {};
  if ('flowId' in changes) mapped.flow = changes.flowId;
  if ('q' in changes) mapped.q = changes.q;
  if ('range' in changes) mapped.range = changes.range === 'all' ? undefined : changes.range;
  if ('from' in changes) mapped.from = changes.from;
  if ('to' in changes) mapped.to = changes.to;
  if ('sort' in changes) mapped.sort = changes.sort === 'DESC' ? undefined : changes.sort;
  if ('by' in changes) mapped.by = changes.by === 'updated' ? undefined : changes.by;
  setSearchParams(mapped);
}

/**
 * The local calendar days a range covers. A preset is kept by name (not as dates), so
 * "Last 7 days" still means the last 7 days after a reload tomorrow.
 */
export function rangeDays(filters: Filters, now = dayjs()): { from?: string; to?: string } {
  const today = now.format(DAY);
  switch (filters.range) {
    case 'today':
      return { from: today, to: today };
    case '7d':
      return { from: now.subtract(6, 'day').format(DAY), to: today };
    case '30d':
      return { from: now.subtract(29, 'day').format(DAY), to: today };
    case 'custom':
      return { from: filters.from, to: filters.to };
    default:
      return {};
  }
}

/** A local day's first or last millisecond as an ISO instant, which the API takes as-is. */
export function dayEdge(day: string, edge: 'start' | 'end'): string {
  const d = dayjs(day);
  return (edge === 'start' ? d.startOf('day') : d.endOf('day')).toISOString();
}

/** The filter part of listSessions / deleteSessions for these filters. */
export function sessionFilter(filters: Filters, now = dayjs()) {
  const { from, to } = rangeDays(filters, now);
  return {
    flowId: filters.flowId,
    // A space at the end stays: it makes the last word whole (shared/search-query.ts).
    q: filters.q?.trim() ? filters.q.trimStart() : undefined,
    startDate: from ? dayEdge(from, 'start') : undefined,
    endDate: to ? dayEdge(to, 'end') : undefined,
  } satisfies Partial<SessionListInput>;
}

/** The input of listSessions (less paging) for these filters: with queryKeys.sessions, the list's query key. */
export function sessionListInput(filters: Filters, now = dayjs()) {
  return {
    ...sessionFilter(filters, now),
    sort: filters.sort,
    by: filters.by,
  } satisfies Partial<SessionListInput>;
}
