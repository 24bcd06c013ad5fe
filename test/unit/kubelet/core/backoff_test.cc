#include "pods/backoff.h"

#include <catch2/catch.hpp>

using kscratch::kubelet::Backoff;
using namespace std::chrono_literals;

TEST_CASE("crash-loop back-off: the first restart is immediate, then 10s doubling to the cap") {
  Backoff b(10s, 300s);
  auto t0 = Backoff::Clock::time_point{} + 1000s;
  CHECK_FALSE(b.in_backoff_since("p/c", t0, t0));
  b.next("p/c", t0);
  CHECK(b.delay("p/c") == 10s);
  CHECK(b.in_backoff_since("p/c", t0, t0 + 9s));
  CHECK_FALSE(b.in_backoff_since("p/c", t0, t0 + 10s));
  for (int i = 0; i < 10; ++i) b.next("p/c", t0 + std::chrono::seconds(i));
  CHECK(b.delay("p/c") == 300s);
  CHECK(b.delay("other") == 0s);
}

TEST_CASE("crash-loop back-off is forgotten after twice the cap without failures") {
  Backoff b(10s, 300s);
  auto t0 = Backoff::Clock::time_point{} + 1000s;
  b.next("k", t0);
  b.next("k", t0 + 1s);
  CHECK(b.delay("k") == 20s);
  CHECK_FALSE(b.in_backoff_since("k", t0 + 601s, t0 + 602s));
  b.next("k", t0 + 700s);
  CHECK(b.delay("k") == 10s);
}
