export * from './events.ts'
export * from './validate.ts'
