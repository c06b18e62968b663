import { hydrate } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot, hydrateRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router'
import { createBrowserClient, createQueryClient } from './api/shop.tsx'
import { Root } from './root.tsx'
import './ui/styles.css'

const queryClient = createQueryClient()
// The server's data for the page it rendered: JSON, not script (the CSP allows no inline script).
const state = document.getElementById('shop-state')
if (state?.textContent) hydrate(queryClient, JSON.parse(state.textContent))
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
