import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useShop } from '../../api/shop.tsx'
import { messageFor } from '@shop/storefront-core/errors'
import { Button, DateTime, ErrorNote, Loading, Notice, PageTitle } from '../../ui/primitives.tsx'
import { auditQuery } from '../dashboard/api.ts'
import { adminKo } from '../ko.ts'
import { ConfirmButton } from '../ui/dialog.tsx'
import { TableWrap } from '../ui/table.tsx'
import { checkVerdict, checkWords, figureName, figureValue } from './audit-words.ts'
import { queuesOf } from './queues.ts'

const t = adminKo.operations
const serviceName = (s: string) => t.services[s] ?? s

export function OperationsPage() {
  const client = useShop()
  const qc = useQueryClient()
  const q = useQuery(auditQuery(client))
  const [message, setMessage] = useState<string | null>(null)
  const replay = useMutation({
    mutationFn: (service: string) => client.admin.replayDeadLetters(service),
    onSuccess: (r: { service: string; replayed: number }) => {
      setMessage(t.replayed(serviceName(r.service), r.replayed))
      void qc.invalidateQueries({ queryKey: ['admin', 'audit'] })
    },
  })
  const report = q.data
  return (
    <>
      <PageTitle title={`${t.title} | ${adminKo.consoleName}`} />
      <div className="admin-page-head">
        <h1>{t.title}</h1>
        <Button variant="secondary" onClick={() => void q.refetch()} pending={q.isFetching}>
          {t.refresh}
        </Button>
      </div>
      {q.isPending && <Loading />}
      {q.isError && <ErrorNote message={messageFor(q.error)} onRetry={() => void q.refetch()} />}
      <div aria-live="polite">{message && <Notice tone="success">{message}</Notice>}</div>
      {replay.isError && <ErrorNote message={messageFor(replay.error)} />}
      {report && (
        <>
          <section className="panel" aria-labelledby="audit-heading">
            <h2 id="audit-heading">{t.audit}</h2>
            <p>
              <span className={report.ok ? 'admin-verdict admin-verdict-ok' : 'admin-verdict admin-verdict-bad'}>
                {report.ok ? adminKo.dashboard.auditOk : adminKo.dashboard.auditBad(report.checks.filter((c) => !c.ok).length)}
              </span>{' '}
              <span className="muted">
                {t.checkedAt}: <DateTime at={report.at} />
              </span>
            </p>
            <TableWrap label={t.audit}>
              <table className="admin-table admin-audit">
                <caption className="visually-hidden">{t.audit}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.check}</th>
                    <th scope="col">{t.result}</th>
                    <th scope="col">{t.figures}</th>
                    <th scope="col">{t.violations}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.checks.map((c) => {
                    const words = checkWords(c)
                    const verdict = checkVerdict(c)
                    return (
                      <tr key={c.name}>
                        <th scope="row">
                          {words.title}
                          <br />
                          <span className="muted admin-small">{words.description}</span>
                        </th>
                        <td>
                          <span className={`admin-tag admin-tag-${verdict.tone}`}>{verdict.label}</span>
                        </td>
                        <td>
                          <ul className="admin-figures">
                            {Object.entries(c.figures).map(([k, v]) => (
                              <li key={k}>
                                <span className="muted">{figureName(c.name, k)}</span> <span className="mono">{figureValue(k, v)}</span>
                              </li>
                            ))}
                          </ul>
                        </td>
                        <td className={c.violationCount === 0 ? undefined : 'admin-violations'}>
                          {c.violationCount === 0 ? (
                            '0'
                          ) : (
                            <>
                              <strong>{c.violationCount.toLocaleString('ko-KR')}</strong>
                              {verdict.fix && (
                                <p className="admin-small">
                                  {t.fixLead}: {verdict.fix}
                                </p>
                              )}
                              <details className="admin-small">
                                <summary>{t.details}</summary>
                                <ul className="admin-figures" lang="en">
                                  {c.violations.map((v, i) => (
                                    <li key={i}>
                                      <span className="mono">{v.subject}</span> {v.message}
                                    </li>
                                  ))}
                                </ul>
                              </details>
                            </>
                          )}
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </TableWrap>
          </section>
          <section className="panel" aria-labelledby="queues-heading">
            <h2 id="queues-heading">{t.queues}</h2>
            <TableWrap label={t.queues}>
              <table className="admin-table">
                <caption className="visually-hidden">{t.queues}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.service}</th>
                    <th scope="col">{t.outbox}</th>
                    <th scope="col">{t.outboxAge}</th>
                    <th scope="col">{t.deadLetters}</th>
                    <th scope="col">{t.deadLetterAge}</th>
                    <th scope="col">{adminKo.products.actions}</th>
                  </tr>
                </thead>
                <tbody>
                  {queuesOf(report).map((s) => (
                    <tr key={s.service}>
                      <th scope="row">{serviceName(s.service)}</th>
                      <td>{s.outbox ?? '—'}</td>
                      <td>{s.outboxAge === null ? '—' : t.seconds(s.outboxAge)}</td>
                      <td>{s.dead ?? '—'}</td>
                      <td>{s.deadAge === null ? '—' : t.seconds(s.deadAge)}</td>
                      <td>
                        <ConfirmButton
                          label={t.replay(serviceName(s.service))}
                          question={t.replayConfirm(serviceName(s.service), s.dead ?? 0)}
                          className="btn-small"
                          disabled={!s.dead}
                          pending={replay.isPending && replay.variables === s.service}
                          onConfirm={() => replay.mutate(s.service)}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </section>
        </>
      )}
    </>
  )
}
