#include "kycloud/audit/checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kycloud::audit {
namespace {

TEST(SigningKeyTest, CreatesOnceWithOwnerOnlyModeAndReloadsTheSameKey) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "kycloud-signing-key-test";
  fs::remove_all(dir);
  std::string path = (dir / "sub" / "audit.key").string();
  auto a = SigningKey::LoadOrCreate(path, "kycloud-test");
  ASSERT_TRUE(a.has_value()) << a.error();
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto b = SigningKey::LoadOrCreate(path, "kycloud-test");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(a->public_key(), b->public_key());
  EXPECT_EQ(a->public_key().size(), 32u);
  EXPECT_EQ(a->DerivedSecret("x"), b->DerivedSecret("x"));
  EXPECT_NE(a->DerivedSecret("x"), a->DerivedSecret("y"));

  std::ofstream(path) << "not a key";
  auto bad = SigningKey::Load(path, "kycloud-test");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find(path), std::string_view::npos);
  fs::remove_all(dir);
}

TEST(SigningKeyTest, VerifierKeyRoundTripsAndChecksItsId) {
  auto key = SigningKey::Generate("audit.example.com");
  ASSERT_TRUE(key.has_value());
  std::string vkey = key->VerifierKey();
  auto parsed = ParseVerifierKey(vkey + "\n");
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(parsed->public_key, key->public_key());
  EXPECT_EQ(parsed->name, "audit.example.com");
  std::string wrong_name = "other" + vkey.substr(vkey.find('+'));
  EXPECT_FALSE(ParseVerifierKey(wrong_name).has_value());
  EXPECT_FALSE(ParseVerifierKey("nonsense").has_value());
}

TEST(CheckpointTest, SignedNoteVerifiesAndAnyChangeIsRefused) {
  auto key = SigningKey::Generate("kycloud-test");
  ASSERT_TRUE(key.has_value());
  Checkpoint c{"kycloud-test", 1234, LeafHash("x"), FromUnixMicros(1'700'000'000'000'000)};
  auto note = SignCheckpoint(c, *key);
  ASSERT_TRUE(note.has_value()) << note.error();
  EXPECT_TRUE(note->starts_with("kycloud-test\n1234\n"));
  EXPECT_NE(note->find("\n\n\xe2\x80\x94 kycloud-test "), std::string::npos);
  auto vkey = *ParseVerifierKey(key->VerifierKey());

  auto parsed = ParseCheckpoint(*note, &vkey);
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_TRUE(parsed->signature_checked);
  EXPECT_EQ(parsed->checkpoint.size, 1234);
  EXPECT_EQ(parsed->checkpoint.root, c.root);
  EXPECT_EQ(parsed->checkpoint.time, c.time);

  std::string altered = *note;
  altered.replace(altered.find("1234"), 4, "1235");
  EXPECT_EQ(ParseCheckpoint(altered, &vkey).error().code(), StatusCode::kPermissionDenied);
  auto other = SigningKey::Generate("kycloud-test");
  auto other_vkey = *ParseVerifierKey(other->VerifierKey());
  EXPECT_EQ(ParseCheckpoint(*note, &other_vkey).error().code(), StatusCode::kPermissionDenied);
  // Without a key the text is still parsed, unchecked.
  auto unchecked = ParseCheckpoint(altered, nullptr);
  ASSERT_TRUE(unchecked.has_value());
  EXPECT_FALSE(unchecked->signature_checked);
  EXPECT_FALSE(ParseCheckpoint("kycloud\nabc\nxyz\n\n", nullptr).has_value());
}

}  // namespace
}  // namespace kycloud::audit
