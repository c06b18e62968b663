import { type FormEvent, useId, useState } from 'react'
import { ko } from '../../i18n/ko.ts'

/** The header's search box (role searchbox, name 상품 검색). */
export function SearchBox({ initial, onSubmit }: { initial: string; onSubmit: (e: FormEvent<HTMLFormElement>, value: string) => void }) {
  const [value, setValue] = useState(initial)
  const id = useId()
  return (
    <form role="search" className="search-form" onSubmit={(e) => onSubmit(e, value)} action="/search">
      <label htmlFor={id} className="visually-hidden">
        {ko.nav.search}
      </label>
      <input
        id={id}
        type="search"
        name="q"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        placeholder="무엇을 찾으세요?"
        autoComplete="off"
        enterKeyHint="search"
        maxLength={200}
      />
      <button type="submit" className="search-button">
        {ko.nav.searchButton}
      </button>
    </form>
  )
}
