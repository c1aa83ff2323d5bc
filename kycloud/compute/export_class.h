// The numeric test of ECCN 3A090 (88 FR 73458, October 2023) for an integrated circuit:
//   3A090.a  TPP >= 4800, or TPP >= 1600 and PD >= 5.92
//   3A090.b  2400 <= TPP < 4800 and 1.6 <= PD < 5.92, or TPP >= 1600 and 3.2 <= PD < 5.92
// where TPP = 2 x MacTOPS x bit length (dense, the maximum over formats) and PD = TPP / die area
// in mm². Meeting the test is a flag, not a legal status: chips not designed or marketed for
// datacenters are excluded below TPP 4800, and the maintained per-SKU status lives in policy data.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string_view>

namespace kycloud::compute {

enum class ExportClass {
  kNone,     // below both tests
  k3A090a,   // meets 3A090.a
  k3A090b,   // meets 3A090.b
  kUnknown,  // TPP unknown, or the answer depends on a die area we do not have
};

// "none", "3A090.a", "3A090.b", "unknown".
std::string_view ExportClassName(ExportClass c);

// `tpp` in TPP units (bit-TOPS); `pd` = TPP per mm², when the die area is known.
ExportClass Classify3A090(std::optional<double> tpp, std::optional<double> pd);

}  // namespace kycloud::compute
