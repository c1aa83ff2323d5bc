// Normalisation of the contact data a CIP record carries, each function returning the canonical
// form or an error saying what is wrong (the caller names the field):
//   countries  ISO 3166-1 alpha-2, upper case; checked against ICU's ISO country list
//   phones     E.164 ("+6561234567") through libphonenumber; a number without "+" is read in the
//              record's country; invalid numbers (wrong length for the region) are rejected
//   emails     local@domain with the domain lower-cased (IDNA is not applied); one "@", no spaces
//   names      Unicode NFC, whitespace collapsed, trimmed
// Card numbers: LooksLikeCardNumber() spots 13-19 digits (spaces or dashes allowed) passing the
// Luhn check — the CIP must never store a raw card number (a token or fingerprint only).
//
// Thread-safety: all functions are safe from many threads.
#pragma once

#include <string>
#include <string_view>

#include "kycloud/base/result.h"

namespace kycloud::cip {

// Errors: InvalidArgument "'XX' is not an ISO 3166-1 alpha-2 country code".
Result<std::string> NormalizeCountry(std::string_view code);
bool IsIsoCountry(std::string_view upper_code);

// `default_region` (ISO alpha-2, may be empty) is used for numbers written without "+".
// Errors: InvalidArgument naming why (not a number, invalid for its region).
Result<std::string> NormalizePhone(std::string_view phone, std::string_view default_region);

// Errors: InvalidArgument (no "@", empty part, spaces, no dot in the domain, too long).
Result<std::string> NormalizeEmail(std::string_view email);
// The domain of a normalised email ("example.com"), and whether it is a free mail provider
// (gmail.com, outlook.com, qq.com, ... — a short built-in list).
std::string EmailDomain(std::string_view normalized_email);
bool IsFreeMailDomain(std::string_view domain);

// Errors: InvalidArgument for invalid UTF-8 or an empty result.
Result<std::string> NormalizeName(std::string_view name);

bool LooksLikeCardNumber(std::string_view text);

}  // namespace kycloud::cip
