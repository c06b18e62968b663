import type { ShippingAddress } from '@shop/client'
import { ko } from './ko.ts'

export type AddressForm = { recipient: string; phone: string; postalCode: string; address1: string; address2: string }
export type AddressErrors = Partial<Record<keyof AddressForm, string>>

export const emptyAddress: AddressForm = { recipient: '', phone: '', postalCode: '', address1: '', address2: '' }

/** Korean mobile numbers: 010-1234-5678, 01012345678, 011-123-4567 ... */
const PHONE = /^01[016789]-?[0-9]{3,4}-?[0-9]{4}$/

/** Normalises a phone number to 010-1234-5678 form. */
export function normalisePhone(raw: string): string {
  const d = raw.replace(/[^0-9]/g, '')
  if (d.length === 11) return `${d.slice(0, 3)}-${d.slice(3, 7)}-${d.slice(7)}`
  if (d.length === 10) return `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`
  return raw.trim()
}

/** What is wrong with an address, field by field, in Korean; empty when it can be shipped to. */
export function validateAddress(a: AddressForm): AddressErrors {
  const e: AddressErrors = {}
  if (!a.recipient.trim()) e.recipient = ko.validation.required(ko.checkout.recipient)
  if (!a.phone.trim()) e.phone = ko.validation.required(ko.checkout.phone)
  else if (!PHONE.test(a.phone.replace(/\s/g, ''))) e.phone = ko.validation.phone
  if (!a.postalCode.trim()) e.postalCode = ko.validation.required(ko.checkout.postalCode)
  else if (!/^[0-9]{5}$/.test(a.postalCode.trim())) e.postalCode = ko.validation.postalCode
  if (!a.address1.trim()) e.address1 = ko.validation.required(ko.checkout.address1)
  return e
}

export function toShippingAddress(a: AddressForm): ShippingAddress {
  const out: ShippingAddress = {
    recipient: a.recipient.trim(),
    phone: normalisePhone(a.phone),
    postalCode: a.postalCode.trim(),
    address1: a.address1.trim(),
  }
  if (a.address2.trim()) out.address2 = a.address2.trim()
  return out
}

/** A card number as typed (spaces, dashes) to its 16 digits, or null. */
export function cardDigits(raw: string): string | null {
  const d = raw.replace(/[\s-]/g, '')
  return /^[0-9]{16}$/.test(d) ? d : null
}

/** `4242424242424242` → `4242 4242 4242 4242`. */
export const groupCard = (digits: string): string => digits.replace(/(\d{4})(?=\d)/g, '$1 ')
