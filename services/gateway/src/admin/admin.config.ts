import { Env, loadConfig } from '@shop/platform/config'
import { Type } from '@sinclair/typebox'
import type { AdminOptions } from './admin.routes.ts'

/** Settings of the gateway's admin routes. */
export const AdminConfig = Type.Object({
  /** Default grace period of GET /v1/admin/audit: how long in-flight work may look unfinished. */
  AUDIT_GRACE_SECONDS: Env.int(30),
  /** Facts per page the auditor asks each service for. */
  AUDIT_PAGE_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
})

/** Reads the admin settings; a bad one throws ConfigError naming its variable. */
export function loadAdminOptions(env: Record<string, string | undefined>): Omit<AdminOptions, 'bus'> {
  const cfg = loadConfig(AdminConfig, env)
  return { graceSeconds: cfg.AUDIT_GRACE_SECONDS, pageSize: cfg.AUDIT_PAGE_SIZE }
}
