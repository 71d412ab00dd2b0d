#include "frontends/disk_queue.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace veil::frontends {
namespace {

namespace fs = std::filesystem;

class DiskQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/veil-disk-queue-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    dir_ = root_ / "a" / "queue";  // parents missing too
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<DiskQueue> open(DiskQueue::Recovered& recovered) {
    std::string error;
    auto queue = DiskQueue::open(dir_.string(), &recovered, &error);
    EXPECT_TRUE(queue) << error;
    return queue;
  }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  uint64_t append(DiskQueue& queue, OtlpSignal signal, const std::string& payload) {
    std::string error;
    const uint64_t sequence = queue.append(signal, payload, &error);
    EXPECT_NE(sequence, 0u) << error;
    return sequence;
  }

  fs::path root_, dir_;
};

TEST_F(DiskQueueTest, RecordsReopenInOrderWithSignalAndPayload) {
  DiskQueue::Recovered recovered;
  {
    auto queue = open(recovered);
    ASSERT_TRUE(queue);
    EXPECT_TRUE(recovered.records.empty());
    EXPECT_EQ(append(*queue, OtlpSignal::kMetrics, "first"), 1u);
    EXPECT_EQ(append(*queue, OtlpSignal::kTraces, std::string("sec\0nd", 6)), 2u);
    EXPECT_EQ(append(*queue, OtlpSignal::kLogs, ""), 3u);
  }
  const std::vector<std::string> names = {"00000000000000000001.veilq", "00000000000000000002.veilq",
                                          "00000000000000000003.veilq"};
  EXPECT_EQ(files(), names);
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir_ / names[0]).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::file_size(dir_ / names[0]), DiskQueue::kHeaderBytes + 5);

  auto queue = open(recovered);
  ASSERT_TRUE(queue);
  ASSERT_EQ(recovered.records.size(), 3u);
  EXPECT_EQ(recovered.corrupt, 0u);
  EXPECT_EQ(recovered.records[0].sequence, 1u);
  EXPECT_EQ(recovered.records[0].signal, OtlpSignal::kMetrics);
  EXPECT_EQ(recovered.records[0].payload, "first");
  EXPECT_EQ(recovered.records[1].signal, OtlpSignal::kTraces);
  EXPECT_EQ(recovered.records[1].payload, std::string("sec\0nd", 6));
  EXPECT_EQ(recovered.records[2].signal, OtlpSignal::kLogs);
  EXPECT_EQ(recovered.records[2].payload, "");
  EXPECT_EQ(append(*queue, OtlpSignal::kLogs, "after"), 4u);  // numbering goes on
}

TEST_F(DiskQueueTest, RemovedRecordsDoNotComeBack) {
  DiskQueue::Recovered recovered;
  {
    auto queue = open(recovered);
    ASSERT_TRUE(queue);
    const uint64_t first = append(*queue, OtlpSignal::kLogs, "one");
    append(*queue, OtlpSignal::kLogs, "two");
    std::string error;
    EXPECT_TRUE(queue->remove(first, &error)) << error;
    EXPECT_TRUE(queue->remove(first, &error)) << "already gone is fine";
  }
  auto queue = open(recovered);
  ASSERT_EQ(recovered.records.size(), 1u);
  EXPECT_EQ(recovered.records[0].payload, "two");
}

TEST_F(DiskQueueTest, MovesDamagedFilesAsideAndKeepsTheirNumbers) {
  DiskQueue::Recovered recovered;
  {
    auto queue = open(recovered);
    ASSERT_TRUE(queue);
    for (const char* payload : {"intact", "truncated", "flipped payload", "flipped signal", "too long", "short"})
      append(*queue, OtlpSignal::kLogs, payload);
  }
  auto path = [&](uint64_t sequence) { return dir_ / DiskQueue::fileName(sequence); };
  auto patch = [&](uint64_t sequence, std::streamoff at, char value) {
    std::fstream file(path(sequence), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(at);
    file.put(value);
  };
  fs::resize_file(path(2), fs::file_size(path(2)) - 1);
  patch(3, DiskQueue::kHeaderBytes, 'F');
  patch(4, 5, static_cast<char>(OtlpSignal::kTraces));
  std::ofstream(path(5), std::ios::app | std::ios::binary) << "x";
  fs::resize_file(path(6), 10);  // not even a header

  auto queue = open(recovered);
  ASSERT_TRUE(queue);
  EXPECT_EQ(recovered.corrupt, 5u);
  ASSERT_EQ(recovered.records.size(), 1u);
  EXPECT_EQ(recovered.records[0].payload, "intact");
  std::vector<std::string> names = {DiskQueue::fileName(1)};
  for (uint64_t sequence = 2; sequence <= 6; ++sequence) names.push_back(DiskQueue::fileName(sequence) + ".corrupt");
  EXPECT_EQ(files(), names);
  EXPECT_EQ(append(*queue, OtlpSignal::kLogs, "next"), 7u);  // never over a moved-aside file
}

TEST_F(DiskQueueTest, DeletesUnfinishedWritesAndLeavesOtherFilesAlone) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / (DiskQueue::fileName(9) + ".tmp")) << "half written";
  std::ofstream(dir_ / "README") << "not ours";
  DiskQueue::Recovered recovered;
  auto queue = open(recovered);
  ASSERT_TRUE(queue);
  EXPECT_TRUE(recovered.records.empty());
  EXPECT_EQ(recovered.corrupt, 0u);
  EXPECT_EQ(files(), std::vector<std::string>{"README"});
  EXPECT_EQ(append(*queue, OtlpSignal::kLogs, "next"), 10u);
}

TEST_F(DiskQueueTest, RefusesADirectoryInUse) {
  DiskQueue::Recovered recovered;
  auto first = open(recovered);
  ASSERT_TRUE(first);
  std::string error;
  EXPECT_FALSE(DiskQueue::open(dir_.string(), &recovered, &error));
  EXPECT_EQ(error, "queue directory '" + dir_.string() + "': in use by another veil");
  first.reset();
  EXPECT_TRUE(DiskQueue::open(dir_.string(), &recovered, &error)) << error;
}

TEST_F(DiskQueueTest, ReportsADirectoryThatCannotBeMade) {
  std::ofstream(root_ / "plain") << "a file";
  DiskQueue::Recovered recovered;
  std::string error;
  const std::string dir = (root_ / "plain").string();
  EXPECT_FALSE(DiskQueue::open(dir, &recovered, &error));
  EXPECT_EQ(error, "queue directory '" + dir + "': cannot open: Not a directory");
  EXPECT_FALSE(DiskQueue::open("", &recovered, &error));
  EXPECT_EQ(error, "queue directory: empty path");
}

}  // namespace
}  // namespace veil::frontends
