#include "app/database_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <chrono>
#include <fstream>

#include "app/policy_builder.h"

namespace veil::app {
namespace {

class DatabaseCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("veil-cache-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  PolicyOptions options() const {
    PolicyOptions options;
    options.cache_dir = dir_;
    return options;
  }

  std::filesystem::path dir_;
};

TEST_F(DatabaseCacheTest, StoresAndLoadsTheSameBytes) {
  DatabaseCache cache(dir_);
  ASSERT_TRUE(cache.store("abc", std::string("db\0bytes", 8)));
  EXPECT_EQ(cache.load("abc"), std::string("db\0bytes", 8));
  EXPECT_EQ(cache.load("other"), "");
  struct stat info {};
  ASSERT_EQ(::stat(dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(cache.fileFor("abc").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

// Every changed rule set stores a database; the directory keeps only the most recently used.
TEST_F(DatabaseCacheTest, OnlyTheMostRecentlyUsedDatabasesAreKept) {
  DatabaseCache cache(dir_);
  const auto age = [&](const std::string& fingerprint, int hours) {
    std::filesystem::last_write_time(cache.fileFor(fingerprint),
                                     std::filesystem::file_time_type::clock::now() - std::chrono::hours(hours));
  };
  const size_t total = DatabaseCache::kKeptDatabases + 4;
  for (size_t i = 0; i < DatabaseCache::kKeptDatabases; ++i) {
    ASSERT_TRUE(cache.store("db" + std::to_string(i), "bytes " + std::to_string(i)));
    age("db" + std::to_string(i), static_cast<int>(1000 - i));  // db0 the oldest
  }
  // db1 is old but used now; a foreign file and an old temporary file are around too.
  EXPECT_EQ(cache.load("db1"), "bytes 1");
  std::ofstream(dir_ / "notes.txt") << "not ours";
  std::ofstream(dir_ / "dbx.tmp.AbCdEf") << "left by a crash";
  std::filesystem::last_write_time(dir_ / "dbx.tmp.AbCdEf",
                                   std::filesystem::file_time_type::clock::now() - std::chrono::hours(2));
  for (size_t i = DatabaseCache::kKeptDatabases; i < total; ++i) {
    ASSERT_TRUE(cache.store("db" + std::to_string(i), "bytes " + std::to_string(i)));
  }
  ASSERT_TRUE(cache.store("newest", "bytes"));

  size_t databases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() == ".hsdb") ++databases;
  }
  EXPECT_EQ(databases, DatabaseCache::kKeptDatabases);
  EXPECT_EQ(cache.load("newest"), "bytes");
  EXPECT_EQ(cache.load("db1"), "bytes 1");
  for (const char* gone : {"db0", "db2", "db3", "db4", "db5"}) {  // the least recently used
    EXPECT_EQ(cache.load(gone), "") << gone;
  }
  EXPECT_EQ(cache.load("db6"), "bytes 6");
  EXPECT_EQ(cache.load("db" + std::to_string(total - 1)), "bytes " + std::to_string(total - 1));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "notes.txt"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "dbx.tmp.AbCdEf"));
}

TEST_F(DatabaseCacheTest, CorruptFileReadsAsMiss) {
  DatabaseCache cache(dir_);
  ASSERT_TRUE(cache.store("abc", "0123456789database"));
  {
    std::fstream file(cache.fileFor("abc"), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-3, std::ios::end);
    file.write("XYZ", 3);
  }
  EXPECT_EQ(cache.load("abc"), "");
  std::filesystem::resize_file(cache.fileFor("abc"), 5);
  EXPECT_EQ(cache.load("abc"), "");
}

TEST_F(DatabaseCacheTest, WorldWritableFileIsNotTrusted) {
  DatabaseCache cache(dir_);
  ASSERT_TRUE(cache.store("abc", "database"));
  ::chmod(cache.fileFor("abc").c_str(), 0666);
  EXPECT_EQ(cache.load("abc"), "");
}

TEST_F(DatabaseCacheTest, SecondBuildUsesTheCache) {
  const LoadedPolicy first = buildPolicy(options());
  EXPECT_FALSE(first.from_cache);
  EXPECT_TRUE(first.cache_written);
  const LoadedPolicy second = buildPolicy(options());
  EXPECT_TRUE(second.from_cache);
}

TEST_F(DatabaseCacheTest, CorruptCacheIsRebuiltAndRewritten) {
  ASSERT_TRUE(buildPolicy(options()).cache_written);
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::ofstream file(entry.path(), std::ios::binary | std::ios::trunc);
    file << "VEILHSDB1\ngarbage";
  }
  const LoadedPolicy rebuilt = buildPolicy(options());
  EXPECT_FALSE(rebuilt.from_cache);
  EXPECT_TRUE(rebuilt.cache_written);
  EXPECT_TRUE(buildPolicy(options()).from_cache);
}

TEST_F(DatabaseCacheTest, ChangedRulesDoNotUseTheStaleDatabase) {
  ASSERT_TRUE(buildPolicy(options()).cache_written);
  const auto user_pack = dir_.parent_path() / ("veil-extra-pack-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream file(user_pack);
    file << "pack: extra\nrules:\n  - id: extra-rule\n    description: d\n    category: secret\n"
            "    pattern: 'EXTRA[0-9]{8}'\n";
  }
  PolicyOptions with_extra = options();
  with_extra.rule_files = {user_pack};
  const LoadedPolicy changed = buildPolicy(with_extra);
  std::filesystem::remove(user_pack);
  EXPECT_FALSE(changed.from_cache);
}

}  // namespace
}  // namespace veil::app
