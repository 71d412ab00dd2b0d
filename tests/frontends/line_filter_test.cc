#include "frontends/line_filter.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

#include "support/test_policy.h"

namespace veil::frontends {
namespace {

const std::string kToken = "ghp_0123456789abcdefghijABCDEFGHIJ012345";

// Runs the filter with `input` on a pipe and returns everything it wrote.
std::string filtered(const std::string& input, LineFilterOptions options = {},
                     LineFilterResult* result_out = nullptr,
                     std::shared_ptr<const core::Policy> policy = nullptr) {
  if (!policy) policy = testing::makePolicy(testing::foundationRules());
  int in[2];
  EXPECT_EQ(::pipe(in), 0);
  char out_path[] = "/tmp/veil-line-filter-test-XXXXXX";
  const int out = ::mkstemp(out_path);
  std::thread writer([&] {
    size_t done = 0;
    while (done < input.size()) {
      const ssize_t n = ::write(in[1], input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(in[1]);
  });
  options.input_fd = in[0];
  options.output_fd = out;
  LineFilter filter(*policy, options);
  LineFilterResult result = filter.run();
  writer.join();
  ::close(in[0]);
  ::close(out);
  std::ifstream file(out_path, std::ios::binary);
  std::string output((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::remove(out_path);
  if (result_out) *result_out = result;
  return output;
}

TEST(LineFilterTest, MasksTokenAndKeepsTheRest) {
  EXPECT_EQ(filtered("user x token " + kToken + " end\n"), "user x token [REDACTED:github-token] end\n");
}

TEST(LineFilterTest, KeepsCrlfTabsEmptyLinesAndMissingFinalNewline) {
  const std::string input = "a\tb\r\n\n\r\nlast " + kToken + "\r\nno newline";
  EXPECT_EQ(filtered(input), "a\tb\r\n\n\r\nlast [REDACTED:github-token]\r\nno newline");
}

TEST(LineFilterTest, CountsLinesAndRedactions) {
  LineFilterResult result;
  filtered("one\n" + kToken + "\nthree", {}, &result);
  EXPECT_EQ(result.lines, 3u);
  EXPECT_EQ(result.lines_redacted, 1u);
  EXPECT_EQ(result.end, LineFilterEnd::kEndOfInput);
  EXPECT_EQ(result.findings_per_rule[0], 1u);
}

// A line that sends PCRE2's backtracking astray is still redacted (RE2 finishes the search),
// and the run counts it so that --stats can say why such input is slow.
TEST(LineFilterTest, SpanSearchesTooCostlyForPcre2AreFinishedAndCounted) {
  auto policy = testing::makePolicy({{"hostile", "(?:(a+)+b|c)"}});
  std::string line;
  for (int i = 0; i < 40; ++i) line += std::string(24, 'a') + "!";
  for (unsigned threads : {1u, 2u}) {
    LineFilterOptions options;
    options.threads = threads;
    LineFilterResult result;
    EXPECT_EQ(filtered("plain\n" + line + "c\n", options, &result, policy),
              "plain\n" + line + "[REDACTED:hostile]\n");
    EXPECT_EQ(result.span_fallbacks, 1u) << threads << " threads";
  }
}

TEST(LineFilterTest, LongLinesAreScannedInWindowsWithoutLosingBytes) {
  LineFilterOptions options;
  options.max_record_bytes = 4096;
  options.window_overlap = 512;
  std::string line;
  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    line += "word " + kToken + " ";
    expected += "word [REDACTED:github-token] ";
  }
  LineFilterResult result;
  EXPECT_EQ(filtered(line + "\nshort\n" + line, options, &result),
            expected + "\nshort\n" + expected);
  EXPECT_EQ(result.lines, 3u);
  EXPECT_EQ(result.long_lines, 2u);
}

TEST(LineFilterTest, EveryThreadCountGivesTheSameBytesInOrder) {
  std::mt19937 random(11);
  std::string input;
  std::string expected;
  for (int i = 0; i < 20000; ++i) {
    const int kind = static_cast<int>(random() % 7);
    const std::string number = std::to_string(i);
    if (kind == 0) {
      input += "line " + number + " " + kToken + "\r\n";
      expected += "line " + number + " [REDACTED:github-token]\r\n";
    } else if (kind == 1 && i % 50 == 1) {  // over-long lines between short ones
      std::string long_in, long_out;
      for (int j = 0; j < 400; ++j) {
        long_in += "x" + number + " " + kToken + " ";
        long_out += "x" + number + " [REDACTED:github-token] ";
      }
      input += long_in + "\n";
      expected += long_out + "\n";
    } else if (kind == 2) {
      input += "\n";
      expected += "\n";
    } else {
      input += "plain " + number + "\n";
      expected += "plain " + number + "\n";
    }
  }
  input += "tail " + kToken;
  expected += "tail [REDACTED:github-token]";
  for (unsigned threads : {1u, 2u, 3u}) {
    LineFilterOptions options;
    options.threads = threads;
    options.max_record_bytes = 4096;
    options.window_overlap = 256;
    options.flush_bytes = 1000;
    LineFilterResult result;
    EXPECT_EQ(filtered(input, options, &result), expected) << threads << " threads";
    EXPECT_EQ(result.lines, 20001u) << threads << " threads";
  }
}

// A private key printed line by line: its BEGIN line is a finding, and the base64 lines after
// it are masked too however the input is cut into batches and whichever thread redacts them;
// the END line, public keys and whatever follows a block are kept.
// Compares line by line, so that a failure names the first line that differs.
void expectSameLines(const std::string& output, const std::string& expected, unsigned threads, size_t flush) {
  std::istringstream got(output), want(expected);
  std::string got_line, want_line;
  for (int line = 1; std::getline(want, want_line); ++line) {
    ASSERT_TRUE(std::getline(got, got_line)) << "output ends before line " << line;
    ASSERT_EQ(got_line, want_line) << "line " << line << ", " << threads << " threads, reads of " << flush;
  }
  EXPECT_EQ(output, expected);
}

// rsyslog's mmexternal: one reply per input line whatever the thread count, batch size or
// window size, `{}` for the lines that stay, the redacted line as a JSON string for the others.
TEST(LineFilterTest, MmexternalRepliesOnePerLine) {
  std::string input, expected;
  for (int i = 0; i < 300; ++i) {
    if (i % 7 == 3) {
      input += "user " + std::to_string(i) + " token " + kToken + " \"quoted\"\n";
      expected += "{\"msg\":\"user " + std::to_string(i) + " token [REDACTED:github-token] \\\"quoted\\\"\"}\n";
    } else if (i == 150) {
      // Longer than max_record_bytes: redacted window by window, still one reply.
      input += std::string(9000, 'x') + " " + kToken + "\n";
      expected += "{\"msg\":\"" + std::string(9000, 'x') + " [REDACTED:github-token]\"}\n";
    } else {
      input += "plain line " + std::to_string(i) + "\n";
      expected += "{}\n";
    }
  }
  input += "unterminated " + kToken;
  expected += "{\"msg\":\"unterminated [REDACTED:github-token]\"}";
  for (unsigned threads : {1u, 2u}) {
    for (size_t flush : {size_t{64}, size_t{256} << 10}) {
      LineFilterOptions options;
      options.threads = threads;
      options.flush_bytes = flush;
      options.max_record_bytes = 4096;
      options.window_overlap = 256;
      options.mmexternal_property = "msg";
      EXPECT_EQ(filtered(input, options), expected) << threads << " threads, batches of " << flush;
    }
  }
}

// Under mmexternal each line is a message of its own (rsyslog interleaves hosts): a name on one
// line does not make the next one's value sensitive, nor does a BEGIN line make it key material.
TEST(LineFilterTest, MmexternalLinesAreUnrelatedMessages) {
  auto policy = testing::makePolicy(testing::foundationRules(), "[REDACTED:{rule}]", testing::foundationFields(),
                                    testing::foundationExceptions());
  const std::string input = "- name: DB_PASSWORD\n  value: Zx8Lm2Qp7Rt1\n";
  LineFilterOptions plain;
  ASSERT_EQ(filtered(input, plain, nullptr, policy), "- name: DB_PASSWORD\n  value: [REDACTED:password-field]\n");
  for (unsigned threads : {1u, 2u}) {
    LineFilterOptions options;
    options.threads = threads;
    options.flush_bytes = 16;
    options.mmexternal_property = "msg";
    EXPECT_EQ(filtered(input, options, nullptr, policy), "{}\n{}\n") << threads << " threads";
  }
}

TEST(LineFilterTest, KeyBodyLinesAfterABeginLineAreMaskedAcrossBatches) {
  const auto rules = testing::foundationRules();  // the last is private-key-header
  auto policy = testing::makePolicy(rules);
  const std::string mask = "[REDACTED:private-key-header]";
  std::mt19937 random(5);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto base64 = [&](size_t length) {
    std::string text;
    for (size_t i = 0; i < length; ++i) text += alphabet[random() % alphabet.size()];
    return text;
  };
  std::string input, expected;
  uint64_t masked_lines = 0;
  uint64_t key_findings = 0;
  auto keep = [&](const std::string& line) {
    input += line;
    expected += line;
  };
  auto mask_line = [&](const std::string& prefix, const std::string& line, const std::string& end) {
    input += prefix + line + end;
    expected += prefix + mask + end;
    ++masked_lines;
    ++key_findings;
  };
  for (int key = 0; key < 30; ++key) {
    keep("starting worker " + std::to_string(key) + "\n");
    const std::string prefix = key % 3 == 1 ? "2026-11-26T02:00:0" + std::to_string(key % 10) + "Z app[7]: " : "";
    const std::string end = key % 4 == 2 ? "\r\n" : "\n";
    mask_line(prefix, "-----BEGIN RSA PRIVATE KEY-----", end);
    if (key % 5 == 3) {  // an encrypted PEM key: armor headers and a blank line stay
      keep(prefix + "Proc-Type: 4,ENCRYPTED" + end);
      keep(prefix + "DEK-Info: AES-128-CBC,3F17F5316E2BAC89" + end);
      keep(end);
    }
    if (key % 5 == 4) {  // a header line is still redacted like any line
      input += prefix + "Comment: uploaded by " + kToken + end;
      expected += prefix + "Comment: uploaded by [REDACTED:github-token]" + end;
      ++masked_lines;
    }
    const int body_lines = 1 + key % 9;
    for (int i = 0; i < body_lines; ++i) mask_line(prefix, base64(64), end);
    mask_line(prefix, base64(12) + "==", end);
    if (key % 7 != 6) keep(prefix + "-----END RSA PRIVATE KEY-----" + end);  // else cut off
    if (key % 7 == 6) {  // after a cut-off key: words, numbers and paths are not key material
      keep("retrying\n");
      keep("12345\n");
      keep("/var/lib/veil/cache/patterns\n");
    }
    keep("key loaded\n");
    keep(base64(40) + "\n");  // after the block: not key material
    keep("-----BEGIN PUBLIC KEY-----\n" + base64(64) + "\n-----END PUBLIC KEY-----\n");
  }
  for (unsigned threads : {1u, 2u, 3u}) {
    for (size_t flush : {16u, 100u, 4096u}) {
      LineFilterOptions options;
      options.threads = threads;
      options.flush_bytes = flush;
      LineFilterResult result;
      const std::string output = filtered(input, options, &result, policy);
      ASSERT_NO_FATAL_FAILURE(expectSameLines(output, expected, threads, flush));
      EXPECT_EQ(result.lines_redacted, masked_lines) << threads << " threads, reads of " << flush;
      const size_t rule = rules.size() - 1;
      ASSERT_GT(result.findings_per_rule.size(), rule);
      EXPECT_EQ(result.findings_per_rule[rule], key_findings) << threads << " threads, reads of " << flush;
    }
  }
}

// Kubernetes env entries print the name and the value on two lines; the value is masked
// wherever batches and reads split the two (the line before a batch travels with it).
TEST(LineFilterTest, ValuesNamedOnTheLineBeforeAreMaskedAcrossBatches) {
  auto policy = testing::makePolicy(testing::foundationRules(), "[REDACTED:{rule}]", testing::foundationFields(),
                                    testing::foundationExceptions());
  std::string input, expected;
  uint64_t masked = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string indent(static_cast<size_t>(2 + i % 5), ' ');
    const std::string prefix = i % 3 == 0 ? "2026-11-26T06:00:00Z " : "";
    const std::string name = prefix + indent + "- name: DB_PASSWORD\n";
    input += name;
    expected += name;
    const std::string value = "Zx8Lm2Qp7Rt" + std::to_string(i);
    input += prefix + indent + "  value: " + value + "\n";
    expected += prefix + indent + "  value: [REDACTED:password-field]\n";
    ++masked;
    // The same printed by a container into Docker's json-file log, the value quoted.
    const std::string json_name = R"({"log":")" + indent + R"(- name: DB_PASSWORD\n","stream":"stdout"})" "\n";
    input += json_name;
    expected += json_name;
    input += R"({"log":")" + indent + R"(  value: \")" + value + R"(\"\n","stream":"stdout"})" "\n";
    expected += R"({"log":")" + indent + R"(  value: \"[REDACTED:password-field]\"\n","stream":"stdout"})" "\n";
    ++masked;
    // Not named by a sensitive field, not lined up, a placeholder: kept.
    for (const std::string& line : {indent + "- name: LOG_LEVEL", indent + "  value: " + value,
                                   indent + "- name: DB_PASSWORD", indent + "    value: " + value,
                                   indent + "- name: DB_PASSWORD", indent + "  value: ${DB_PASSWORD}"}) {
      input += line + "\n";
      expected += line + "\n";
    }
  }
  for (unsigned threads : {1u, 2u, 3u}) {
    for (size_t flush : {16u, 100u, 4096u}) {
      LineFilterOptions options;
      options.threads = threads;
      options.flush_bytes = flush;
      LineFilterResult result;
      const std::string output = filtered(input, options, &result, policy);
      ASSERT_NO_FATAL_FAILURE(expectSameLines(output, expected, threads, flush));
      EXPECT_EQ(result.lines_redacted, masked) << threads << " threads, reads of " << flush;
    }
  }
}

// The same key in a container's json-file log: one JSON record per printed line.
TEST(LineFilterTest, KeyBodyLinesInDockerJsonRecordsAreMasked) {
  auto policy = testing::makePolicy(testing::foundationRules());
  const std::string body = "MIIEpAIBAAKCAQEA9QTYrwA2Ne3pDXhg+rVlaxKQoTLHrEVWFk9VA/ZowuweIj+0";
  auto record = [](const std::string& log) {
    return R"({"log":")" + log + R"(\n","stream":"stdout","time":"2026-11-26T02:00:00Z"})" + "\n";
  };
  const std::string input = record("-----BEGIN RSA PRIVATE KEY-----") + record(body) + record(body) +
                            record("Mu3H6hlwMeee44X2h7YPzbp==") + record("-----END RSA PRIVATE KEY-----") + record(body);
  const std::string mask = "[REDACTED:private-key-header]";
  const std::string expected = record(mask) + record(mask) + record(mask) + record(mask) +
                               record("-----END RSA PRIVATE KEY-----") + record(body);
  for (unsigned threads : {1u, 2u}) {
    for (size_t flush : {16u, 4096u}) {
      LineFilterOptions options;
      options.threads = threads;
      options.flush_bytes = flush;
      EXPECT_EQ(filtered(input, options, nullptr, policy), expected) << threads << " threads, reads of " << flush;
    }
  }
}

TEST(LineFilterTest, StopRequestFlushesWhatWasRead) {
  auto policy = testing::makePolicy(testing::foundationRules());
  int in[2], stop[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(stop), 0);
  char out_path[] = "/tmp/veil-line-filter-test-XXXXXX";
  const int out = ::mkstemp(out_path);
  const std::string input = "first " + kToken + "\nsecond\n";
  ASSERT_EQ(::write(in[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
  LineFilterOptions options;
  options.input_fd = in[0];
  options.output_fd = out;
  options.stop_fd = stop[0];
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(::write(stop[1], "x", 1), 1);
  });
  LineFilter filter(*policy, options);
  const LineFilterResult result = filter.run();  // input stays open: only the stop ends it
  stopper.join();
  EXPECT_EQ(result.end, LineFilterEnd::kStopped);
  std::ifstream file(out_path, std::ios::binary);
  std::string output((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(output, "first [REDACTED:github-token]\nsecond\n");
  for (int fd : {in[0], in[1], stop[0], stop[1], out}) ::close(fd);
  std::remove(out_path);
}

TEST(LineFilterTest, WritesALineAsSoonAsTheProducerPauses) {
  auto policy = testing::makePolicy(testing::foundationRules());
  int in[2], out[2];
  ASSERT_EQ(::pipe(in), 0);
  ASSERT_EQ(::pipe(out), 0);
  LineFilterOptions options;
  options.input_fd = in[0];
  options.output_fd = out[1];
  std::thread runner([&] { LineFilter(*policy, options).run(); });
  ASSERT_EQ(::write(in[1], "hello\n", 6), 6);
  char buffer[16] = {};
  // Blocks until the filter writes: with the producer silent, only an immediate flush passes.
  EXPECT_EQ(::read(out[0], buffer, sizeof buffer), 6);
  EXPECT_EQ(std::string(buffer, 6), "hello\n");
  ::close(in[1]);
  runner.join();
  for (int fd : {in[0], out[0], out[1]}) ::close(fd);
}

}  // namespace
}  // namespace veil::frontends
