import { Link } from 'react-router'
import { ko } from '@shop/storefront-core/ko'
import { PageTitle } from '../ui/primitives.tsx'

export function NotFoundPage({ title = ko.common.notFoundTitle, hint = ko.common.notFoundHint }: { title?: string; hint?: string }) {
  return (
    <section className="not-found">
      <PageTitle title={title} />
      <h1>{title}</h1>
      <p>{hint}</p>
      <Link to="/" className="btn btn-primary">
        {ko.common.goHome}
      </Link>
    </section>
  )
}
