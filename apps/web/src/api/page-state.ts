import type { DehydratedState } from '@tanstack/react-query'

/**
 * The data a server-rendered page carries, without the times it was read. TanStack Query's
 * dehydrated state stamps every query with when it was fetched and dehydrated; with those the
 * page's bytes changed at every render even when its data did not, and the gateway, which
 * renews a kept page every second for its stock, compressed each copy again. A page is only
 * ever served while every answer in it is still valid (the gateway's edge cache checks them on
 * every hit), so the browser stamps the data as read when it receives it (`servedState`).
 */
export function timelessState(state: DehydratedState): DehydratedState {
  return {
    mutations: [],
    queries: state.queries.map((q) => ({
      ...q,
      dehydratedAt: 0,
      state: { ...q.state, dataUpdatedAt: 0, errorUpdatedAt: 0 },
    })),
  }
}

/** A page's data as read at `now` (when the browser received the page), ready for hydrate(). */
export function servedState(state: DehydratedState, now: number): DehydratedState {
  return {
    ...state,
    queries: state.queries.map((q) => ({
      ...q,
      dehydratedAt: now,
      state: { ...q.state, dataUpdatedAt: q.state.status === 'success' ? now : q.state.dataUpdatedAt },
    })),
  }
}
