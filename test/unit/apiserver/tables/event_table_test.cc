// core/v1 Event rows against upstream's printEvent.

#include <catch2/catch.hpp>

#include "tables.h"
#include "test_support.h"

#include "kscratch/apimachinery/duration.h"

namespace tables = kscratch::apiserver::tables;
namespace t = kscratch::apiserver::tables::test;
using namespace std::chrono_literals;

TEST_CASE("event columns are upstream's", "[tables][event]") {
  t::check_columns(tables::event_columns(),
                   {"Last Seen:string:0", "Type:string:0", "Reason:string:0", "Object:string:0",
                    "Subobject:string:1", "Source:string:1", "Message:string:0",
                    "First Seen:string:1", "Count:string:1", "Name:string:1"});
  CHECK(tables::event_columns()[3].description == "The object that this event is about.");
}

TEST_CASE("kubelet event with counts and timestamps", "[tables][event]") {
  auto object = t::object(R"({"metadata":{"name":"web-1.17d8","namespace":"default"},
      "involvedObject":{"kind":"Pod","name":"web-1","fieldPath":"spec.containers{app}"},
      "reason":"Pulled","message":"  Successfully pulled image \"nginx\"\n","type":"Normal",
      "source":{"component":"kubelet","host":"n1"},
      "firstTimestamp":")" + t::ago(10min) + R"(","lastTimestamp":")" + t::ago(2min) + R"(",
      "count":3})");
  CHECK(tables::event_row(object, t::now()) ==
        t::array(R"(["2m","Normal","Pulled","pod/web-1","spec.containers{app}","kubelet, n1",
                     "Successfully pulled image \"nginx\"","10m",3,"web-1.17d8"])"));
}

TEST_CASE("events.k8s.io style event", "[tables][event]") {
  std::string event_time =
      kscratch::apimachinery::duration::format_rfc3339_micro(t::now() - 30s);
  auto object = t::object(R"({"metadata":{"name":"web-1.17d9"},
      "involvedObject":{"kind":"Pod","name":"web-1"},"reason":"Scheduled","type":"Normal",
      "message":"Successfully assigned default/web-1 to n1","eventTime":")" + event_time + R"(",
      "reportingComponent":"kscratch-scheduler","reportingInstance":"sched-1"})");
  CHECK(tables::event_row(object, t::now()) ==
        t::array(R"(["30s","Normal","Scheduled","pod/web-1","","kscratch-scheduler, sched-1",
                     "Successfully assigned default/web-1 to n1","30s",1,"web-1.17d9"])"));
}

TEST_CASE("event series overrides last seen and count", "[tables][event]") {
  auto object = t::object(R"({"metadata":{"name":"e"},"involvedObject":{"kind":"Node","name":""},
      "source":{"component":"node-controller"},"firstTimestamp":")" + t::ago(1h) + R"(",
      "count":2,"series":{"count":7,"lastObservedTime":")" + t::ago(45s) + R"("}})");
  CHECK(tables::event_row(object, t::now()) ==
        t::array(R"(["45s","","","node","","node-controller","","60m",7,"e"])"));
}

TEST_CASE("event without any time", "[tables][event]") {
  auto object = t::object(R"({"metadata":{"name":"e"},"source":{"host":"n1"}})");
  CHECK(tables::event_row(object, t::now()) ==
        t::array(R"(["<unknown>","","","","",", n1","","<unknown>",1,"e"])"));
}
