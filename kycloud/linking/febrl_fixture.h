// Test helper: FEBRL records from testdata/eval/er/febrl/ as link records (KYCLOUD_SOURCE_DIR).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kycloud/linking/record_reader.h"

namespace kycloud::linking::testing {

inline std::vector<LinkRecord> Febrl(const std::string& name) {
  const char* d = std::getenv("KYCLOUD_SOURCE_DIR");
  std::ifstream in(std::string(d ? d : ".") + "/testdata/eval/er/febrl/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto m = ParseFieldMapping(
      "id=rec_id,given_name=given_name,family_name=surname,street_number=street_number,"
      "address_line=address_1,address_line=address_2,locality=suburb,postcode=postcode,"
      "region=state,date_of_birth=date_of_birth,national_id=soc_sec_id");
  auto r = ReadLinkRecords(ss.str(), *m, name);
  EXPECT_TRUE(r.has_value()) << r.error();
  return r.has_value() ? *r : std::vector<LinkRecord>{};
}

}  // namespace kycloud::linking::testing
