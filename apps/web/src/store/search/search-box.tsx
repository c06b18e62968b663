import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { type FormEvent, useEffect, useId, useState } from 'react'
import { useNavigate } from 'react-router'
import { useShop } from '../../api/shop.tsx'
import { ko } from '@shop/storefront-core/ko'
import { formatWon } from '@shop/storefront-core/format'

/** Waits until typing pauses, so a suggestion is asked for what was meant, not every keystroke. */
function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return settled
}

/**
 * The header's search box (role searchbox, name 상품 검색) with suggestions as you type:
 * arrow keys move through them, Enter opens the one chosen (or searches what was typed),
 * Escape closes them.
 */
export function SearchBox({ initial, onSubmit }: { initial: string; onSubmit: (e: FormEvent<HTMLFormElement>, value: string) => void }) {
  const client = useShop()
  const navigate = useNavigate()
  const [value, setValue] = useState(initial)
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const id = useId()
  const q = useSettled(value.trim(), 120)
  const suggest = useQuery({
    queryKey: ['suggest', q],
    queryFn: () => client.products.suggest(q, 8),
    enabled: open && q.length > 0,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
  })
  const items = open && value.trim() ? (suggest.data?.items ?? []) : []
  const shown = items.length > 0
  const optionId = (i: number) => `${id}-opt-${i}`

  function choose(i: number) {
    const item = items[i]
    if (!item) return
    setOpen(false)
    setActive(-1)
    navigate(`/products/${item.id}`)
  }

  return (
    <form
      role="search"
      className="search-form"
      action="/search"
      onSubmit={(e) => {
        if (shown && active >= 0) {
          e.preventDefault()
          choose(active)
          return
        }
        setOpen(false)
        onSubmit(e, value)
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {ko.nav.search}
      </label>
      <input
        id={id}
        type="search"
        name="q"
        value={value}
        onChange={(e) => {
          setValue(e.target.value)
          setOpen(true)
          setActive(-1)
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (!shown) return
          if (e.key === 'ArrowDown') {
            e.preventDefault()
            setActive((a) => (a + 1) % items.length)
          } else if (e.key === 'ArrowUp') {
            e.preventDefault()
            setActive((a) => (a <= 0 ? items.length - 1 : a - 1))
          } else if (e.key === 'Escape') {
            setOpen(false)
            setActive(-1)
          }
        }}
        placeholder="무엇을 찾으세요?"
        autoComplete="off"
        enterKeyHint="search"
        maxLength={200}
        aria-autocomplete="list"
        aria-controls={`${id}-list`}
        aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
      />
      <button type="submit" className="search-button">
        {ko.nav.searchButton}
      </button>
      <ul id={`${id}-list`} role="listbox" aria-label={ko.nav.suggestions} className={shown ? 'suggestions' : 'suggestions is-empty'}>
        {items.map((item, i) => (
          <li
            key={item.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'is-active' : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(i)}
          >
            {item.image ? <img src={item.image} alt="" width="32" height="32" /> : <span className="suggestion-dot" aria-hidden="true" />}
            <span className="suggestion-name">{item.name}</span>
            <span className="suggestion-price">{formatWon(item.price)}</span>
          </li>
        ))}
      </ul>
    </form>
  )
}
