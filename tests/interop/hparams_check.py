"""TensorBoard's HPARAMS tab reads our trials (run by tests/interop/run).

Runs the `hparams_log` example of the tuning crate (three trials, each
logged as Keras Tuner logs it in DIR/<trial_id>/execution0) with --json,
or takes the output of an earlier run, then checks with TensorBoard's own
code:

- every event file: TensorBoard's record reader verifies both checksums of
  every record, and the first event is file_version "brain.Event:2";
- every trial folder (EventMultiplexer, TensorBoard's Python loader) holds
  one `_hparams_/session_start_info` and one `_hparams_/session_end_info`
  event, at step 0, plugin "hparams", data class tensor, tensor equal to
  the plugin's NULL_TENSOR; the start, parsed by
  `metadata.parse_session_start_info_plugin_data`, has the trial id as
  group name and the trial's hyperparameters (numbers, strings, booleans)
  and no later start time than the end, parsed by
  `parse_session_end_info_plugin_data`, whose status is STATUS_SUCCESS; no
  other folder has hparams summaries;
- the hparams plugin's backend on that loader (its GetExperiment and
  ListSessionGroups handlers, as the server calls them): the experiment
  it derives has the four hyperparameters with their types and domains,
  and the metrics of the `train` and `validation` folders; each trial is a
  session group of one successful session `<trial_id>/execution0`, with
  its hyperparameters and, as metrics, its last epoch's logs;
- TensorBoard's server (`tensorboard --logdir … --host 127.0.0.1`, which
  loads the files with its Rust data server when, as with pip's
  tensorboard, it has one): POST /data/plugin/hparams/experiment and
  /data/plugin/hparams/session_groups answer the same.

Exits 1 on any mismatch.

Usage: hparams_check.py HPARAMS_LOG_EXAMPLE
       hparams_check.py --logdir DIR --manifest FILE   (FILE: the example's --json output)
"""

import argparse
import atexit
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np
from google.protobuf import json_format, struct_pb2
from tensorboard import context
from tensorboard.backend.event_processing import data_provider, event_file_loader, plugin_event_multiplexer
from tensorboard.compat.proto import summary_pb2
from tensorboard.compat.tensorflow_stub import errors, pywrap_tensorflow
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import api_pb2, backend_context, get_experiment, list_session_groups, metadata

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("example", nargs="?", help="the built hparams_log example to run")
parser.add_argument("--logdir", help="check this folder (written by the example) instead of running it")
parser.add_argument("--manifest", help="the example's --json output for --logdir")
parser.add_argument("--epochs", type=int, default=3, help="epochs per trial when running the example")
args = parser.parse_args()
if args.example:
    logdir = tempfile.mkdtemp()
    atexit.register(shutil.rmtree, logdir, ignore_errors=True)
    out = subprocess.run([args.example, logdir, "--epochs", str(args.epochs), "--json"],
                         check=True, capture_output=True, text=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
elif args.logdir and args.manifest:
    logdir = args.logdir
    with open(args.manifest) as f:
        report = json.loads(f.read().strip().splitlines()[-1])
else:
    parser.error("give the example, or --logdir and --manifest")

failures = []
passed = 0


def expect(what, ok):
    global passed
    if ok:
        passed += 1
    else:
        print(f"FAILED  {what}")
        failures.append(what)


def close32(got, want):
    """Equal once `want` is rounded to float32, as the scalars are stored."""
    return float(np.float32(got)) == float(np.float32(want))


trials = report["trials"]
runs = [t["run"] for t in trials]
ALL_STATUSES = [api_pb2.STATUS_UNKNOWN, api_pb2.STATUS_SUCCESS, api_pb2.STATUS_FAILURE, api_pb2.STATUS_RUNNING]


def pb_value(value):
    """The google.protobuf.Value TensorBoard's summary_v2.hparams_pb writes for a Python value."""
    v = struct_pb2.Value()
    if isinstance(value, bool):
        v.bool_value = value
    elif isinstance(value, (int, float)):
        v.number_value = value
    else:
        v.string_value = value
    return v


def last_logs(trial):
    """{(group, tag): the last epoch's value} as the plugin should find the metrics."""
    history = trial["history"]
    want = {}
    for name, values in history.items():
        group, key = ("validation", name[4:]) if name.startswith("val_") else ("train", name)
        want[(group, f"epoch_{key}")] = values[-1]
    return want


# 1. Records and checksums, with TensorBoard's own record reader.
files = sorted(glob.glob(os.path.join(logdir, "**", "events.out.tfevents.*"), recursive=True))
expect(f"event files found under {logdir}: {len(files)}", len(files) == 3 * len(trials))
records = 0
for path in files:
    reader = pywrap_tensorflow.PyRecordReader_New(path)
    try:
        while True:
            reader.GetNext()
            records += 1
    except errors.OutOfRangeError:
        pass
    except errors.DataLossError as e:
        expect(f"{path}: {e}", False)
    first = next(iter(event_file_loader.EventFileLoader(path).Load()), None)
    expect(f"{path}: first event is file_version brain.Event:2",
           first is not None and first.file_version == "brain.Event:2")

# 2. The summaries of each trial folder, with the Python loader.
multiplexer = plugin_event_multiplexer.EventMultiplexer(size_guidance={"tensors": 0, "scalars": 0})
multiplexer.AddRunsFromDirectory(logdir)
multiplexer.Reload()
content = multiplexer.PluginRunToTagToContent(metadata.PLUGIN_NAME)
expect(f"hparams summaries in the runs {sorted(content)}, want {sorted(runs)}", sorted(content) == sorted(runs))
for trial in trials:
    run = trial["run"]
    tags = content.get(run, {})
    expect(f"{run}: hparams tags {sorted(tags)}",
           sorted(tags) == sorted([metadata.SESSION_START_INFO_TAG, metadata.SESSION_END_INFO_TAG]))
    if sorted(tags) != sorted([metadata.SESSION_START_INFO_TAG, metadata.SESSION_END_INFO_TAG]):
        continue
    for tag in tags:
        events = multiplexer.Tensors(run, tag)
        md = multiplexer.SummaryMetadata(run, tag)
        expect(f"{run} {tag}: one event at step 0, got steps {[e.step for e in events]}",
               [e.step for e in events] == [0])
        expect(f"{run} {tag}: plugin {md.plugin_data.plugin_name!r}, data class {md.data_class}",
               md.plugin_data.plugin_name == "hparams" and md.data_class == summary_pb2.DATA_CLASS_TENSOR)
        expect(f"{run} {tag}: the tensor is NULL_TENSOR ({events[0].tensor_proto if events else None})",
               bool(events) and events[0].tensor_proto == metadata.NULL_TENSOR)
    start = metadata.parse_session_start_info_plugin_data(tags[metadata.SESSION_START_INFO_TAG])
    end = metadata.parse_session_end_info_plugin_data(tags[metadata.SESSION_END_INFO_TAG])
    expect(f"{run}: group name {start.group_name!r}, want the trial id {trial['trial_id']!r}",
           start.group_name == trial["trial_id"])
    want = {name: pb_value(value) for name, value in trial["hparams"].items()}
    got = dict(start.hparams.items())
    expect(f"{run}: hyperparameters {json_format.MessageToDict(start)['hparams']}, want {trial['hparams']}",
           got == want)
    expect(f"{run}: start {start.start_time_secs} ≤ end {end.end_time_secs}, both set",
           0 < start.start_time_secs <= end.end_time_secs)
    expect(f"{run}: end status {api_pb2.Status.Name(end.status)}", end.status == api_pb2.STATUS_SUCCESS)
    expect(f"{run}: no model_uri or monitor_url", start.model_uri == "" and start.monitor_url == "")


# 3. The hparams plugin's backend, on the Python loader.
def expected_hparam_infos():
    """name -> (type, domain) as the plugin derives them from the session starts."""
    infos = {}
    for name in trials[0]["hparams"]:
        values = [t["hparams"][name] for t in trials]
        if all(isinstance(v, bool) for v in values):
            infos[name] = ("DATA_TYPE_BOOL", sorted(set(values)))
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            infos[name] = ("DATA_TYPE_FLOAT64", (float(min(values)), float(max(values))))
        else:
            infos[name] = ("DATA_TYPE_STRING", sorted(set(values)))
    return infos


def check_experiment(where, experiment):
    """`experiment`: the GetExperiment answer as a JSON dict."""
    want = expected_hparam_infos()
    got = {}
    for info in experiment.get("hparamInfos", []):
        if "domainInterval" in info:
            domain = (info["domainInterval"].get("minValue"), info["domainInterval"].get("maxValue"))
        else:
            domain = sorted(info.get("domainDiscrete", []))
        got[info["name"]] = (info.get("type"), domain)
    expect(f"{where}: hyperparameters {got}, want {want}", got == want)
    metrics = sorted((m["name"].get("group", ""), m["name"]["tag"]) for m in experiment.get("metricInfos", []))
    want_metrics = sorted(last_logs(trials[0]))
    expect(f"{where}: metrics {metrics} include {want_metrics}", set(want_metrics) <= set(metrics))


def check_session_groups(where, response):
    """`response`: the ListSessionGroups answer as a JSON dict."""
    groups = {g["name"]: g for g in response.get("sessionGroups", [])}
    want_names = sorted(t["trial_id"] for t in trials)
    expect(f"{where}: session groups {sorted(groups)}, want {want_names}", sorted(groups) == want_names)
    for trial in trials:
        group = groups.get(trial["trial_id"])
        if group is None:
            continue
        sessions = group.get("sessions", [])
        expect(f"{where}: group {trial['trial_id']} sessions {[s.get('name') for s in sessions]}, "
               f"statuses {[s.get('status') for s in sessions]}",
               [(s.get("name"), s.get("status")) for s in sessions] == [(trial["run"], "STATUS_SUCCESS")])
        expect(f"{where}: group {trial['trial_id']} hyperparameters {group.get('hparams')}, want {trial['hparams']}",
               group.get("hparams") == trial["hparams"])
        got = {(m["name"].get("group", ""), m["name"]["tag"]): m.get("value") for m in group.get("metricValues", [])}
        for key, value in last_logs(trial).items():
            expect(f"{where}: group {trial['trial_id']} metric {key} = {got.get(key)}, want {value}",
                   key in got and close32(got[key], value))


provider = data_provider.MultiplexerDataProvider(multiplexer, logdir)
hparams_context = backend_context.Context(base_plugin.TBContext(logdir=logdir, data_provider=provider,
                                                                 multiplexer=multiplexer))
request_context = context.RequestContext()
experiment = get_experiment.Handler(request_context, hparams_context, "", api_pb2.GetExperimentRequest()).run()
check_experiment("backend", json_format.MessageToDict(experiment))
groups_request = api_pb2.ListSessionGroupsRequest(allowed_statuses=ALL_STATUSES, start_index=0, slice_size=100)
groups = list_session_groups.Handler(request_context, hparams_context, "", groups_request).run()
check_session_groups("backend", json_format.MessageToDict(groups))
for group in groups.session_groups:
    print(f"trial {group.name}: {dict(sorted(json_format.MessageToDict(group)['hparams'].items()))}, "
          + ", ".join(f"{m.name.group}/{m.name.tag} {m.value:.4f}" for m in group.metric_values
                      if m.name.tag in ("epoch_loss", "epoch_accuracy")))

# 4. TensorBoard's server.
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
tensorboard = os.path.join(os.path.dirname(sys.executable), "tensorboard")
server = subprocess.Popen([tensorboard, "--logdir", logdir, "--port", str(port), "--host", "127.0.0.1"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base_url = f"http://127.0.0.1:{port}"


def get(route):
    with urllib.request.urlopen(f"{base_url}{route}", timeout=10) as response:
        return json.loads(response.read())


def post(route, body):
    request = urllib.request.Request(f"{base_url}{route}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


try:
    want_runs = sorted(r for run in runs for r in (run, f"{run}/train", f"{run}/validation"))
    served = []
    for _ in range(120):  # the server loads the folder in the background
        try:
            served = sorted(get("/data/runs"))
            if served == want_runs:
                break
        except OSError:
            pass
        time.sleep(0.5)
    expect(f"server: /data/runs {served}", served == want_runs)
    experiment = {}
    for _ in range(60):  # the runs may be listed before every tag is loaded
        experiment = post("/data/plugin/hparams/experiment", {"experimentName": ""})
        if len(experiment.get("hparamInfos", [])) == len(trials[0]["hparams"]):
            break
        time.sleep(0.5)
    check_experiment("server", experiment)
    check_session_groups("server", post("/data/plugin/hparams/session_groups", {
        "experimentName": "", "allowedStatuses": [api_pb2.Status.Name(s) for s in ALL_STATUSES],
        "colParams": [], "startIndex": 0, "sliceSize": 100}))
finally:
    server.terminate()
    server.wait()

print(f"{len(files)} event files, {records} records with good checksums; {passed} checks passed, "
      f"{len(failures)} failed")
if failures:
    sys.exit(1)
print("TensorBoard's HPARAMS tab lists every trial with its hyperparameters, status and metrics")
