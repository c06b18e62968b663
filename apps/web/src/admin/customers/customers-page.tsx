import { isApiError, type UserSummary } from '@shop/client'
import { useInfiniteQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useAuth, useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { Button, DateTime, ErrorNote, Loading, Notice, PageTitle } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { ConfirmButton } from '../ui/dialog.tsx'
import { TableWrap } from '../ui/table.tsx'
import { useSetRoles, usersQuery } from './api.ts'

const t = adminKo.customers

export function CustomersPage() {
  const client = useShop()
  const [params, setParams] = useSearchParams()
  const q = params.get('q') ?? ''
  const [draft, setDraft] = useState(q)
  const list = useInfiniteQuery(usersQuery(client, q))
  const items = list.data?.pages.flatMap((p) => p.items) ?? []
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null)
  const searchId = useId()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setParams(draft.trim() ? { q: draft.trim() } : {})
  }
  return (
    <>
      <PageTitle title={`${t.title} | ${adminKo.consoleName}`} />
      <h1>{t.title}</h1>
      <form role="search" className="admin-filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor={searchId}>{t.search}</label>
          <input id={searchId} type="search" value={draft} onChange={(e) => setDraft(e.target.value)} aria-describedby={`${searchId}-hint`} />
          <p className="field-hint" id={`${searchId}-hint`}>
            {t.searchHint}
          </p>
        </div>
        <Button type="submit">{adminKo.common.search}</Button>
      </form>
      <div aria-live="polite">
        {message?.tone === 'success' && <Notice tone="success">{message.text}</Notice>}
        {message?.tone === 'error' && <ErrorNote message={message.text} />}
      </div>
      {list.isPending && <Loading />}
      {list.isError && <ErrorNote message={messageFor(list.error)} onRetry={() => void list.refetch()} />}
      {list.data && items.length === 0 && <p className="empty">{t.empty}</p>}
      {items.length > 0 && (
        <TableWrap label={t.table}>
          <table className="admin-table">
            <caption className="visually-hidden">{t.table}</caption>
            <thead>
              <tr>
                <th scope="col">{t.email}</th>
                <th scope="col">{t.name}</th>
                <th scope="col">{t.roles}</th>
                <th scope="col">{t.joined}</th>
                <th scope="col">{adminKo.products.actions}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((u) => (
                <CustomerRow key={u.id} user={u} onResult={setMessage} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {list.hasNextPage && (
        <Button variant="secondary" onClick={() => void list.fetchNextPage()} pending={list.isFetchingNextPage}>
          {adminKo.common.more}
        </Button>
      )}
    </>
  )
}

function CustomerRow({ user: u, onResult }: { user: UserSummary; onResult: (m: { tone: 'success' | 'error'; text: string }) => void }) {
  const { user: me } = useAuth()
  const setRoles = useSetRoles()
  const isAdmin = u.roles.includes('admin')
  const isMe = me?.id === u.id
  const change = (roles: ('customer' | 'admin')[]) =>
    setRoles.mutate(
      { id: u.id, roles },
      {
        onSuccess: () => onResult({ tone: 'success', text: t.changed }),
        // the API keeps the last admin; any 409 here is that rule
        onError: (err) => onResult({ tone: 'error', text: isApiError(err, 'conflict') || isApiError(err, 'invalid_state') ? t.lastAdmin : messageFor(err) }),
      },
    )
  return (
    <tr>
      <th scope="row">
        {u.email} {isMe && <span className="muted">{t.you}</span>}
      </th>
      <td>{u.name}</td>
      <td>{u.roles.map((r) => t.roleNames[r] ?? r).join(', ')}</td>
      <td>
        <DateTime at={u.createdAt} dateOnly />
      </td>
      <td>
        <div className="row">
          <Link to={`/admin/orders?userId=${u.id}`} aria-label={`${u.email} ${t.orders}`}>
            {t.orders}
          </Link>
          {isAdmin ? (
            isMe ? (
              <span className="muted">{t.selfRevoke}</span>
            ) : (
              <ConfirmButton
                label={t.revoke}
                question={t.revokeConfirm(u.email)}
                variant="danger"
                className="btn-small"
                pending={setRoles.isPending}
                onConfirm={() => change(u.roles.includes('customer') ? u.roles.filter((r) => r !== 'admin') : ['customer'])}
              />
            )
          ) : (
            <ConfirmButton label={t.grant} question={t.grantConfirm(u.email)} className="btn-small" pending={setRoles.isPending} onConfirm={() => change([...u.roles, 'admin'])} />
          )}
        </div>
      </td>
    </tr>
  )
}
