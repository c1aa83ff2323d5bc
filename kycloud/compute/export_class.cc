#include "kycloud/compute/export_class.h"

namespace kycloud::compute {

std::string_view ExportClassName(ExportClass c) {
  switch (c) {
    case ExportClass::kNone:
      return "none";
    case ExportClass::k3A090a:
      return "3A090.a";
    case ExportClass::k3A090b:
      return "3A090.b";
    case ExportClass::kUnknown:
      return "unknown";
  }
  return "unknown";
}

ExportClass Classify3A090(std::optional<double> tpp, std::optional<double> pd) {
  if (!tpp) return ExportClass::kUnknown;
  const double t = *tpp;
  if (t >= 4800) return ExportClass::k3A090a;
  if (t < 1600) return ExportClass::kNone;
  // 1600 <= TPP < 4800: the answer depends on the performance density.
  if (!pd) return ExportClass::kUnknown;
  const double d = *pd;
  if (d >= 5.92) return ExportClass::k3A090a;
  if (t >= 2400 && d >= 1.6) return ExportClass::k3A090b;
  if (d >= 3.2) return ExportClass::k3A090b;
  return ExportClass::kNone;
}

}  // namespace kycloud::compute
