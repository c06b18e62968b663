import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyringSpec } from '@shop/platform/crypto'

export interface EmbeddedSecrets {
  JWT_PRIVATE_KEY: string
  PII_ENCRYPTION_KEYS: string
  BOOTSTRAP_ADMIN_EMAIL: string
  BOOTSTRAP_ADMIN_PASSWORD: string
}

/**
 * Embedded mode generates its secrets once and keeps them under SHOP_DATA_DIR (mode
 * 0600), so tokens and encrypted PII survive a restart. Variables set in the
 * environment always win.
 */
export async function loadOrCreateSecrets(dataDir: string): Promise<EmbeddedSecrets> {
  const file = join(dataDir, 'secrets.json')
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as EmbeddedSecrets
  await mkdir(dataDir, { recursive: true })
  const { privateKey } = generateKeyPairSync('ed25519')
  const secrets: EmbeddedSecrets = {
    JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    PII_ENCRYPTION_KEYS: generateKeyringSpec('k1'),
    BOOTSTRAP_ADMIN_EMAIL: 'admin@shop.local',
    BOOTSTRAP_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
  }
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  return secrets
}
