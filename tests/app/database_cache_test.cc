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
  EXPECT_EQ(cache.load("abc").view(), std::string("db\0bytes", 8));
  EXPECT_EQ(cache.load("other").view(), "");
  struct stat info {};
  ASSERT_EQ(::stat(dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(cache.fileFor("abc").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

// Every changed rule set stores a database; the directory keeps only the most recently used,
// and nothing that is not named like one of its own files is deleted.
TEST_F(DatabaseCacheTest, OnlyTheMostRecentlyUsedDatabasesAreKept) {
  DatabaseCache cache(dir_);
  const auto fingerprint = [](size_t i) {
    std::string hex = std::to_string(i);
    return std::string(64 - hex.size(), 'a') + hex;
  };
  const auto age = [&](const std::filesystem::path& path, int hours) {
    std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() - std::chrono::hours(hours));
  };
  const size_t total = DatabaseCache::kKeptDatabases + 4;
  for (size_t i = 0; i < DatabaseCache::kKeptDatabases; ++i) {
    ASSERT_TRUE(cache.store(fingerprint(i), "bytes " + std::to_string(i)));
    age(cache.fileFor(fingerprint(i)), static_cast<int>(1000 - i));  // 0 the oldest
  }
  // 1 is old but used now. Around too: an old temporary file of ours, and other people's files
  // that only look similar.
  EXPECT_EQ(cache.load(fingerprint(1)).view(), "bytes 1");
  const std::vector<std::string> foreign = {"notes.txt", "photo.hsdb", "report.tmp.docx",
                                            fingerprint(99) + ".tmp.AbCdEf.bak"};
  for (const auto& name : foreign) {
    std::ofstream(dir_ / name) << "not ours";
    age(dir_ / name, 5000);
  }
  const std::string temporary = fingerprint(98) + ".tmp.AbCdEf";
  std::ofstream(dir_ / temporary) << "left by a crash";
  age(dir_ / temporary, 2);
  for (size_t i = DatabaseCache::kKeptDatabases; i < total; ++i) {
    ASSERT_TRUE(cache.store(fingerprint(i), "bytes " + std::to_string(i)));
  }

  size_t databases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() == ".hsdb" && entry.path().filename() != "photo.hsdb") ++databases;
  }
  EXPECT_EQ(databases, DatabaseCache::kKeptDatabases);
  EXPECT_EQ(cache.load(fingerprint(1)).view(), "bytes 1");
  for (size_t gone : {0, 2, 3, 4}) EXPECT_EQ(cache.load(fingerprint(gone)).view(), "") << gone;  // least recently used
  EXPECT_EQ(cache.load(fingerprint(5)).view(), "bytes 5");
  EXPECT_EQ(cache.load(fingerprint(total - 1)).view(), "bytes " + std::to_string(total - 1));
  for (const auto& name : foreign) EXPECT_TRUE(std::filesystem::exists(dir_ / name)) << name;
  EXPECT_FALSE(std::filesystem::exists(dir_ / temporary));
}

TEST_F(DatabaseCacheTest, CorruptFileReadsAsMiss) {
  DatabaseCache cache(dir_);
  ASSERT_TRUE(cache.store("abc", "0123456789database"));
  {
    std::fstream file(cache.fileFor("abc"), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-3, std::ios::end);
    file.write("XYZ", 3);
  }
  EXPECT_EQ(cache.load("abc").view(), "");
  std::filesystem::resize_file(cache.fileFor("abc"), 5);
  EXPECT_EQ(cache.load("abc").view(), "");
}

TEST_F(DatabaseCacheTest, WorldWritableFileIsNotTrusted) {
  DatabaseCache cache(dir_);
  ASSERT_TRUE(cache.store("abc", "database"));
  ::chmod(cache.fileFor("abc").c_str(), 0666);
  EXPECT_EQ(cache.load("abc").view(), "");
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
