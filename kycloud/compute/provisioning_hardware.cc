#include "kycloud/compute/provisioning_hardware.h"

#include "kycloud/compute/export_class.h"

namespace kycloud::compute {

Result<std::vector<policy::HardwareItem>> ProvisioningHardware(const Estimator& estimator,
                                                               std::string_view what,
                                                               double count) {
  KY_ASSIGN_OR_RETURN(ResolvedHardware hw, estimator.Resolve(what, count));
  std::vector<policy::HardwareItem> out;
  const double each = hw.chips / static_cast<double>(hw.accelerators.size());
  for (const Accelerator* a : hw.accelerators) {
    out.push_back(
        policy::HardwareItem{a->name, std::string(ExportClassName(a->numeric_class)), each});
  }
  return out;
}

}  // namespace kycloud::compute
