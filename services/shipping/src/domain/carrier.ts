import type { CarrierCode, ShipmentStatus } from '@shop/contracts/shipping'

/**
 * Carriers (택배사) and the adapter a carrier integration implements. The shop ships a
 * simulator for every code; a real integration (CJ대한통운's or 우체국's API) implements
 * the same interface.
 */

export interface CarrierInfo {
  name: string
  /** First digit of this carrier's waybill numbers, so a number tells its carrier. */
  prefix: string
  /** Digits in a waybill number, check digit included. */
  length: number
  /** Where the simulator's parcels are sorted. */
  hub: string
}

export const CARRIERS: Readonly<Record<CarrierCode, CarrierInfo>> = {
  CJ: { name: 'CJ대한통운', prefix: '6', length: 12, hub: '곤지암 메가허브' },
  HANJIN: { name: '한진택배', prefix: '4', length: 12, hub: '대전 허브터미널' },
  LOTTE: { name: '롯데택배', prefix: '2', length: 12, hub: '진천 메가허브' },
  EPOST: { name: '우체국택배', prefix: '6', length: 13, hub: '대전 우편집중국' },
}

/** A scan the carrier recorded: the parcel reached a new status somewhere. */
export interface CarrierScan {
  status: Extract<ShipmentStatus, 'IN_TRANSIT' | 'DELIVERED'>
  location?: string
}

export interface CarrierAdapter {
  code: CarrierCode
  /** Books the pickup of a parcel and returns its waybill number (운송장 번호). */
  dispatch(parcel: { shipmentId: string; orderId: string }): Promise<{ trackingNumber: string }>
  /**
   * Scans recorded after the status we know, oldest first. Passing what we know keeps
   * the adapter stateless, so any replica can poll any parcel.
   */
  poll(trackingNumber: string, known: ShipmentStatus): Promise<CarrierScan[]>
}

/** The check digit Korean carriers put last on a waybill: the preceding number mod 7. */
export function checkDigit(digits: string): string {
  // Digit by digit, so 12- and 13-digit numbers stay exact without BigInt.
  let rem = 0
  for (const ch of digits) rem = (rem * 10 + Number(ch)) % 7
  return String(rem)
}

/** A waybill number for `carrier` from a serial of the right width (length − 2 digits). */
export function formatTrackingNumber(carrier: CarrierCode, serial: string): string {
  const info = CARRIERS[carrier]
  const width = info.length - 2
  if (!/^[0-9]+$/.test(serial) || serial.length !== width) {
    throw new Error(`${carrier} serial must be ${width} digits`)
  }
  const body = `${info.prefix}${serial}`
  return `${body}${checkDigit(body)}`
}

/** Whether `value` is a well-formed waybill number of `carrier` (length, prefix, check digit). */
export function isTrackingNumberOf(carrier: CarrierCode, value: string): boolean {
  const info = CARRIERS[carrier]
  if (!/^[0-9]+$/.test(value) || value.length !== info.length || !value.startsWith(info.prefix)) return false
  return checkDigit(value.slice(0, -1)) === value.slice(-1)
}
