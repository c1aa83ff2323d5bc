// CheckInstanceKeys: the keys an instance may run with on a database.
#include "instance_keys.h"

#include <gtest/gtest.h>

#include <map>

namespace kycloud::app {
namespace {

class MemorySettings final : public storage::SettingsStore {
 public:
  Result<std::optional<std::string>> Get(std::string_view key) override {
    auto it = values.find(std::string(key));
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  Result<std::string> PutIfAbsent(std::string_view key, std::string_view value) override {
    return values.try_emplace(std::string(key), value).first->second;
  }
  Result<bool> Replace(std::string_view key, std::string_view expected,
                       std::string_view value) override {
    auto it = values.find(std::string(key));
    if (it == values.end() || it->second != expected) return false;
    it->second = value;
    return true;
  }
  std::map<std::string, std::string> values;
};

TEST(InstanceKeysTest, RecordsTheFirstKeysAndRefusesOthers) {
  const std::string k1 = storage::PiiCipher::GenerateHexKey(),
                    k2 = storage::PiiCipher::GenerateHexKey();
  auto c1 = *storage::PiiCipher::FromHexKeys(k1);
  auto c2 = *storage::PiiCipher::FromHexKeys(k2);
  auto c2_rotated = *storage::PiiCipher::FromHexKeys(k2, {k1});
  auto signing = *audit::SigningKey::Generate("kycloud");
  auto other_signing = *audit::SigningKey::Generate("kycloud");
  MemorySettings settings;
  ASSERT_TRUE(CheckInstanceKeys(settings, c1, signing).ok());
  EXPECT_TRUE(CheckInstanceKeys(settings, c1, signing).ok()) << "the same keys again";
  Status st = CheckInstanceKeys(settings, c2, signing);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.field(), "security.data_key_file");
  EXPECT_EQ(CheckInstanceKeys(settings, c1, other_signing).field(), "audit.signing_key_file");
  // A rotation: the new key with the old one kept moves the record; then the old key alone is
  // refused.
  ASSERT_TRUE(CheckInstanceKeys(settings, c2_rotated, signing).ok());
  EXPECT_EQ(settings.values["data_key_id"], c2.current_key_id());
  EXPECT_FALSE(CheckInstanceKeys(settings, c1, signing).ok());
}

TEST(InstanceKeysTest, ADatabaseWithoutARecordTrustsOnlyAKeyItsDataOpensWith) {
  const std::string k1 = storage::PiiCipher::GenerateHexKey(),
                    k2 = storage::PiiCipher::GenerateHexKey();
  auto c1 = *storage::PiiCipher::FromHexKeys(k1);
  auto c2 = *storage::PiiCipher::FromHexKeys(k2);
  auto signing = *audit::SigningKey::Generate("kycloud");
  MemorySettings settings;
  EXPECT_EQ(CheckInstanceKeys(settings, c2, signing, {c1.current_key_id()}).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(settings.values.count("data_key_id"), 0u) << "nothing recorded by the refused one";
  EXPECT_TRUE(CheckInstanceKeys(settings, c1, signing, {c1.current_key_id()}).ok());
}

}  // namespace
}  // namespace kycloud::app
