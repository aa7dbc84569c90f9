/**
 * Client-side checks mirroring the API's own rules, so most mistakes are caught before a
 * round trip. The server stays the authority: its field errors are shown the same way.
 */
import { CURRENCIES, UNITS, type CharacteristicInput, type OfferingInput, type PriceInput, type SpecificationInput } from "@/lib/api/catalog";

export type Errors = Record<string, string>;

const DECIMAL = /^\d{1,10}(\.\d{1,2})?$/;

function requiredText(errors: Errors, field: string, value: string, label: string, max?: number) {
  const v = value.trim();
  if (!v) errors[field] = `${label} is required.`;
  else if (max !== undefined && v.length > max) errors[field] = `${label} must be at most ${max} characters.`;
}

export function validateCharacteristic(input: CharacteristicInput): Errors {
  const errors: Errors = {};
  requiredText(errors, "name", input.name, "Name", 200);
  requiredText(errors, "value", input.value, "Value", 100);
  if (!(UNITS as readonly string[]).includes(input.unit_of_measure)) errors.unit_of_measure = "Choose a unit of measure.";
  return errors;
}

export function validateSpecification(input: SpecificationInput): Errors {
  const errors: Errors = {};
  requiredText(errors, "name", input.name, "Name", 200);
  if (input.characteristic_ids.length === 0) errors.characteristic_ids = "Select at least one characteristic.";
  return errors;
}

export function validatePrice(input: PriceInput): Errors {
  const errors: Errors = {};
  requiredText(errors, "name", input.name, "Name", 200);
  const v = input.value.trim();
  if (!v) errors.value = "Amount is required.";
  else if (!DECIMAL.test(v)) errors.value = "Enter a positive amount with at most 2 decimals, e.g. 29.99.";
  else if (Number.parseFloat(v) <= 0) errors.value = "Amount must be greater than zero.";
  requiredText(errors, "unit", input.unit, "Billing unit", 100);
  if (!(CURRENCIES as readonly string[]).includes(input.currency)) errors.currency = "Choose USD, EUR or TRY.";
  return errors;
}

/** Rules for saving a draft: only the name is needed. */
export function validateOfferingDraft(input: OfferingInput): Errors {
  const errors: Errors = {};
  requiredText(errors, "name", input.name, "Name", 200);
  return errors;
}

/** Rules for publishing: a name, at least one specification, price and sales channel. */
export function validateOfferingPublish(input: OfferingInput): Errors {
  const errors = validateOfferingDraft(input);
  if (input.specification_ids.length === 0) errors.specification_ids = "Select at least one specification to publish.";
  if (input.pricing_ids.length === 0) errors.pricing_ids = "Select at least one price to publish.";
  if (input.sales_channels.length === 0) errors.sales_channels = "Select at least one sales channel to publish.";
  return errors;
}

export function hasErrors(errors: Errors): boolean {
  return Object.keys(errors).length > 0;
}
