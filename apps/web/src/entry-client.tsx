import { type DehydratedState, hydrate } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot, hydrateRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router'
import { servedState } from './api/page-state.ts'
import { createBrowserClient, createQueryClient } from './api/shop.tsx'
import { Root } from './root.tsx'
import './ui/styles.css'

const queryClient = createQueryClient()
// The server's data for the page it rendered: JSON, not script (the CSP allows no inline script),
// read as of now: the page (never cached by the browser) was valid when the gateway sent it.
const state = document.getElementById('shop-state')
if (state?.textContent) hydrate(queryClient, servedState(JSON.parse(state.textContent) as DehydratedState, Date.now()))
const client = createBrowserClient()
const app = (
  <StrictMode>
    <BrowserRouter>
      <Root client={client} queryClient={queryClient} />
    </BrowserRouter>
  </StrictMode>
)
const container = document.getElementById('root')!
if (container.hasChildNodes() && state) hydrateRoot(container, app)
else createRoot(container).render(app)
