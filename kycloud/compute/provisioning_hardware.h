// ProvisioningHardware: what a provisioning request asks for, in the terms of the policy's
// decision — each accelerator's catalog name, its numeric 3A090 class and its chip count — from an
// instance type, TPU slice or accelerator name and a count (Estimator::Resolve).
//
// Thread-safety: a pure function over immutable catalogs.
#pragma once

#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/compute/estimator.h"
#include "kycloud/policy/authorizer.h"

namespace kycloud::compute {

// Errors: the estimator's (NotFound naming the accelerator or instance type; InvalidArgument for
// count <= 0).
Result<std::vector<policy::HardwareItem>> ProvisioningHardware(const Estimator& estimator,
                                                               std::string_view what, double count);

}  // namespace kycloud::compute
