#include "kycloud/screening/index_holder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace kycloud::screening {
namespace {

namespace fs = std::filesystem;

const char kDplHeader[] =
    "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\n";

class IndexHolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kycloud-holder-test-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Write("\"JOHN DOE\"\t\"1 MAIN ST\"\t\"TOWN\"\t\"TX\"\t\"US\"\t\"1\"\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& rows) {
    std::ofstream(dir_ / "dpl.txt") << kDplHeader << rows;
    // Make sure the modification time differs even on coarse file-system clocks.
    fs::last_write_time(dir_ / "dpl.txt",
                        fs::last_write_time(dir_ / "dpl.txt") + std::chrono::seconds(++bumps_));
  }
  fs::path dir_;
  int bumps_ = 0;
};

TEST_F(IndexHolderTest, ReloadsOnlyWhenFilesChangeAndKeepsIndexOnError) {
  IndexHolder holder;
  ASSERT_TRUE(holder.Load(dir_.string()).ok());
  std::string first = holder.Get()->snapshot().hash();

  auto same = holder.Reload(dir_.string(), /*force=*/false);
  ASSERT_TRUE(same.has_value());
  EXPECT_FALSE(*same);

  Write(
      "\"JOHN DOE\"\t\"\"\t\"\"\t\"\"\t\"US\"\t\"\"\n\"JANE "
      "ROE\"\t\"\"\t\"\"\t\"\"\t\"US\"\t\"\"\n");
  auto changed = holder.Reload(dir_.string(), false);
  ASSERT_TRUE(changed.has_value()) << changed.error();
  EXPECT_TRUE(*changed);
  EXPECT_NE(holder.Get()->snapshot().hash(), first);
  EXPECT_EQ(holder.Get()->snapshot().entities().size(), 2u);
  std::string second = holder.Get()->snapshot().hash();

  // A broken file is reported and the lists in force stay.
  Write("\"BROKEN\"\t\"x\n");
  auto broken = holder.Reload(dir_.string(), false);
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message().find("dpl.txt:2"), std::string_view::npos) << broken.error();
  EXPECT_EQ(holder.Get()->snapshot().hash(), second);
  EXPECT_FALSE(holder.last_error().ok());
  // Not retried until the directory changes again; a forced reload reports the error again.
  EXPECT_FALSE(*holder.Reload(dir_.string(), false));
  EXPECT_FALSE(holder.Reload(dir_.string(), true).has_value());
}

TEST_F(IndexHolderTest, WatchPicksUpAChangedDirectory) {
  IndexHolder holder;
  ASSERT_TRUE(holder.Load(dir_.string()).ok());
  std::string first = holder.Get()->snapshot().hash();
  holder.Watch(dir_.string(), std::chrono::milliseconds(20));
  Write("\"JANE ROE\"\t\"\"\t\"\"\t\"\"\t\"US\"\t\"\"\n");
  // Waits for the watcher (bounded; this asserts behaviour, not speed).
  for (int i = 0; i < 500 && holder.Get()->snapshot().hash() == first; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(holder.Get()->snapshot().hash(), first);
  EXPECT_EQ(holder.Get()->snapshot().entities()[0].names[0].text, "JANE ROE");
}

}  // namespace
}  // namespace kycloud::screening
