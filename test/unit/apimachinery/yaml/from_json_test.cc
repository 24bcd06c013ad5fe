// JSON to YAML exactly as `kubectl get -o yaml` prints (sigs.k8s.io/yaml.Marshal, go-yaml v2).

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "kscratch/apimachinery/yaml.h"

namespace y = kscratch::apimachinery::yaml;

namespace {
std::string yaml(std::string_view json) { return y::from_json(boost::json::parse(json)); }
}  // namespace

TEST_CASE("a Deployment prints as kubectl prints it", "[yaml]") {
  const char* json = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{"deployment.kubernetes.io/revision":"1"},"creationTimestamp":"2024-05-01T10:00:00Z","generation":1,"labels":{"app":"web"},"name":"web","namespace":"default","resourceVersion":"12345","uid":"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"},"spec":{"progressDeadlineSeconds":600,"replicas":2,"revisionHistoryLimit":10,"selector":{"matchLabels":{"app":"web"}},"strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","imagePullPolicy":"IfNotPresent","name":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}},"status":{}})";
  CHECK(yaml(json) == R"(apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
  creationTimestamp: "2024-05-01T10:00:00Z"
  generation: 1
  labels:
    app: web
  name: web
  namespace: default
  resourceVersion: "12345"
  uid: 0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0
spec:
  progressDeadlineSeconds: 600
  replicas: 2
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.25
        imagePullPolicy: IfNotPresent
        name: nginx
        ports:
        - containerPort: 80
          protocol: TCP
        resources: {}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status: {}
)");
}

TEST_CASE("a Service prints as kubectl prints it", "[yaml]") {
  const char* json = R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"clusterIP":"10.43.0.10","clusterIPs":["10.43.0.10"],"internalTrafficPolicy":"Cluster","ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","ports":[{"name":"http","port":80,"protocol":"TCP","targetPort":8080}],"selector":{"app":"web"},"sessionAffinity":"None","type":"ClusterIP"},"status":{"loadBalancer":{}}})";
  CHECK(yaml(json) == R"(apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  clusterIP: 10.43.0.10
  clusterIPs:
  - 10.43.0.10
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: http
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  sessionAffinity: None
  type: ClusterIP
status:
  loadBalancer: {}
)");
}

TEST_CASE("a ConfigMap with multi-line data uses literal blocks", "[yaml]") {
  const char* json = R"({"apiVersion":"v1","data":{"game.properties":"enemies=aliens\nlives=3\n","ui.properties":"color.good=purple\ncolor.bad=yellow","kept":"a\n\n","indented":"  x\ny\n","tabbed":"a\tb\nc\n","trailing":"a \nb\n"},"kind":"ConfigMap","metadata":{"name":"game-config","namespace":"default"}})";
  CHECK(yaml(json) == R"(apiVersion: v1
data:
  game.properties: |
    enemies=aliens
    lives=3
  indented: |2
      x
    y
  kept: |+
    a

  tabbed: "a\tb\nc\n"
  trailing: "a \nb\n"
  ui.properties: |-
    color.good=purple
    color.bad=yellow
kind: ConfigMap
metadata:
  name: game-config
  namespace: default
)");
}

TEST_CASE("a Pod with conditions, nulls and a long message", "[yaml]") {
  const char* json = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"default","ownerReferences":[{"apiVersion":"apps/v1","blockOwnerDeletion":true,"controller":true,"kind":"ReplicaSet","name":"web-5d4f8","uid":"1234"}]},"spec":{"containers":[{"args":["--port=8080","--verbose"],"command":["/bin/sh","-c","echo hello: world"],"env":[{"name":"DEBUG","value":"true"},{"name":"EMPTY","value":""},{"name":"NUM","value":"0755"}],"image":"busybox","name":"main"}]},"status":{"conditions":[{"lastProbeTime":null,"lastTransitionTime":"2024-05-01T10:00:01Z","message":"containers with unready status: [main]","reason":"ContainersNotReady","status":"False","type":"Ready"}],"containerStatuses":[{"state":{"waiting":{"message":"Back-off pulling image \"busybox\": ErrImagePull: rpc error: code = Unknown desc = failed to pull and unpack image","reason":"ImagePullBackOff"}}}],"phase":"Pending","qosClass":"BestEffort"}})";
  CHECK(yaml(json) == R"(apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: default
  ownerReferences:
  - apiVersion: apps/v1
    blockOwnerDeletion: true
    controller: true
    kind: ReplicaSet
    name: web-5d4f8
    uid: "1234"
spec:
  containers:
  - args:
    - --port=8080
    - --verbose
    command:
    - /bin/sh
    - -c
    - 'echo hello: world'
    env:
    - name: DEBUG
      value: "true"
    - name: EMPTY
      value: ""
    - name: NUM
      value: "0755"
    image: busybox
    name: main
status:
  conditions:
  - lastProbeTime: null
    lastTransitionTime: "2024-05-01T10:00:01Z"
    message: 'containers with unready status: [main]'
    reason: ContainersNotReady
    status: "False"
    type: Ready
  containerStatuses:
  - state:
      waiting:
        message: 'Back-off pulling image "busybox": ErrImagePull: rpc error: code
          = Unknown desc = failed to pull and unpack image'
        reason: ImagePullBackOff
  phase: Pending
  qosClass: BestEffort
)");
}

TEST_CASE("strings are quoted only when needed", "[yaml]") {
  struct Case {
    const char* json;
    const char* yaml;
  };
  std::vector<Case> cases = {
      {R"("plain text")", "v: plain text\n"},
      {R"("true")", "v: \"true\"\n"},
      {R"("yes")", "v: \"yes\"\n"},
      {R"("y")", "v: \"y\"\n"},
      {R"("Off")", "v: \"Off\"\n"},
      {R"("123")", "v: \"123\"\n"},
      {R"("1.5")", "v: \"1.5\"\n"},
      {R"("0x1F")", "v: \"0x1F\"\n"},
      {R"("1_000")", "v: \"1_000\"\n"},
      {R"("1e3")", "v: \"1e3\"\n"},
      {R"(".inf")", "v: \".inf\"\n"},
      {R"("")", "v: \"\"\n"},
      {R"("~")", "v: \"~\"\n"},
      {R"("null")", "v: \"null\"\n"},
      {R"("1:20")", "v: \"1:20\"\n"},
      {R"("2024-01-01")", "v: \"2024-01-01\"\n"},
      {R"("2024-13-01")", "v: 2024-13-01\n"},
      {R"("- x")", "v: '- x'\n"},
      {R"("-x")", "v: -x\n"},
      {R"("#x")", "v: '#x'\n"},
      {R"("a#b")", "v: a#b\n"},
      {R"("a #b")", "v: 'a #b'\n"},
      {R"("a: b")", "v: 'a: b'\n"},
      {R"("a:b")", "v: a:b\n"},
      {R"("x:")", "v: 'x:'\n"},
      {R"("it's: x")", "v: 'it''s: x'\n"},
      {R"(" lead")", "v: ' lead'\n"},
      {R"("trail ")", "v: 'trail '\n"},
      {R"("tab\there")", "v: \"tab\\there\"\n"},
      {R"("quote\"d")", "v: quote\"d\n"},
      {R"("\"q\"")", "v: '\"q\"'\n"},
      {R"("back\\slash")", "v: back\\slash\n"},
      {R"("---")", "v: '---'\n"},
      {R"("@x")", "v: '@x'\n"},
      {R"("*x")", "v: '*x'\n"},
      {R"("[x]")", "v: '[x]'\n"},
      {R"("a,b")", "v: a,b\n"},
      {R"("{a}")", "v: '{a}'\n"},
      {R"("?x")", "v: ?x\n"},
      {R"("<<")", "v: <<\n"},
      {R"("\u65e5\u672c\u8a9e")", "v: \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\n"},
      {R"("\ud83d\ude00")", "v: \"\\U0001F600\"\n"},
      {R"("bell\u0007")", "v: \"bell\\a\"\n"},
      {R"("\r\n")", "v: \"\\r\\n\"\n"},
      {R"("a\u00a0b")", "v: a\xc2\xa0" "b\n"},
  };
  for (const Case& c : cases) {
    INFO(c.json);
    CHECK(yaml(std::string("{\"v\":") + c.json + "}") == c.yaml);
  }
}

TEST_CASE("numbers print as go-yaml prints them", "[yaml]") {
  CHECK(yaml(R"({"a":1.5,"b":100.0,"c":1e21,"d":1234567.5,"e":0.000001,"f":-0.5,"g":18446744073709551615,"h":-9223372036854775808,"i":1e-7,"j":0.1})") ==
        "a: 1.5\nb: 100\nc: 1e+21\nd: 1.2345675e+06\ne: 1e-06\nf: -0.5\ng: 18446744073709551615\n"
        "h: -9223372036854775808\ni: 1e-07\nj: 0.1\n");
}

TEST_CASE("keys sort as go-yaml v2 sorts them", "[yaml]") {
  CHECK(yaml(R"({"b":1,"a10":2,"a9":3,"A":4,"_x":5,"a-b":6,"ab":7,"a1":8,"a01":9})") ==
        "_x: 5\nA: 4\na-b: 6\na1: 8\na01: 9\na9: 3\na10: 2\nab: 7\nb: 1\n");
}

TEST_CASE("long plain strings fold at 80 columns", "[yaml]") {
  std::string words;
  for (int i = 0; i < 20; ++i) words += i ? " lorem" : "lorem";
  std::string line1;
  for (int i = 0; i < 12; ++i) line1 += i ? " lorem" : "lorem";
  std::string line2;
  for (int i = 0; i < 8; ++i) line2 += i ? " lorem" : "lorem";
  CHECK(yaml("{\"description\":\"" + words + "\"}") == "description: " + line1 + "\n  " + line2 + "\n");
  // Keys never fold, and words longer than a line are never split.
  std::string long_word(200, 'x');
  CHECK(yaml("{\"k\":\"" + long_word + " " + long_word + "\"}") == "k: " + long_word + "\n  " + long_word + "\n");
  std::string double_quoted = "\\t" + std::string(90, 'a') + " b  c";
  CHECK(yaml("{\"k\":\"" + double_quoted + "\"}") == "k: \"\\t" + std::string(90, 'a') + "\n  b  c\"\n");
}

TEST_CASE("document shapes", "[yaml]") {
  CHECK(yaml("{}") == "{}\n");
  CHECK(yaml("[]") == "[]\n");
  CHECK(yaml("null") == "null\n");
  CHECK(yaml(R"("foo")") == "foo\n");
  CHECK(yaml("[[1,2],[3],{\"a\":[]},[]]") == "- - 1\n  - 2\n- - 3\n- a: []\n- []\n");
  CHECK(yaml(R"({"a":{"b":{"c":[{"d":[1]}]}}})") == "a:\n  b:\n    c:\n    - d:\n      - 1\n");
  CHECK(yaml(R"({"multi":"x\ny","list":["a\nb\n"]})") == "list:\n- |\n  a\n  b\nmulti: |-\n  x\n  y\n");
  std::string long_key(130, 'k');
  CHECK(yaml("{\"" + long_key + "\":\"v\"}") == "? " + long_key + "\n: v\n");
  CHECK(yaml(R"({"a\nb":"v"})") == "? |-\n  a\n  b\n: v\n");  // Multi-line keys are not simple keys.
  CHECK(yaml(R"({"":"v"})") == "\"\": v\n");
  CHECK(yaml(R"({"true":1,"1":2})") == "\"1\": 2\n\"true\": 1\n");
}

TEST_CASE("YAML round trips through JSON", "[yaml]") {
  const char* manifest = R"(apiVersion: v1
data:
  script.sh: |
    #!/bin/sh
    echo "hi: there"
  flag: "true"
kind: ConfigMap
metadata:
  labels:
    app.kubernetes.io/name: demo
  name: demo
)";
  auto v = y::to_json(manifest);
  REQUIRE(v.ok());
  CHECK(y::from_json(*v) == R"(apiVersion: v1
data:
  flag: "true"
  script.sh: |
    #!/bin/sh
    echo "hi: there"
kind: ConfigMap
metadata:
  labels:
    app.kubernetes.io/name: demo
  name: demo
)");
}

TEST_CASE("invalid UTF-8 becomes !!binary", "[yaml]") {
  boost::json::object o;
  o["b"] = boost::json::string("\xff\xfe");
  CHECK(y::from_json(o) == "b: !!binary //4=\n");
}
