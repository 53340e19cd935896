/// The Python side of an exercise: loads the student's file, calls the
/// function on each case with NumPy float64 arrays, and writes what it
/// returned as JSON with every float in C99 hex (`float.hex`), so nothing is
/// rounded on the way back. It reads its request as JSON on standard input.
enum PythonHarness {
    static let source = #"""
        import importlib.util, json, sys, traceback

        def reply(obj):
            sys.stdout.write(json.dumps(obj))
            sys.stdout.flush()

        try:
            import numpy as np
        except Exception as error:
            reply({"status": "no-numpy", "python": sys.version.split()[0], "error": str(error)})
            sys.exit(0)

        request = json.load(sys.stdin)
        try:
            spec = importlib.util.spec_from_file_location("student_exercise", request["file"])
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        except Exception:
            reply({"status": "load-error", "error": traceback.format_exc(limit=8)})
            sys.exit(0)
        function = getattr(module, request["function"], None)
        if not callable(function):
            reply({"status": "no-function", "error": "the file defines no function " + request["function"] + "()"})
            sys.exit(0)

        cases = []
        for case in request["cases"]:
            arguments = {}
            for argument in case["arguments"]:
                values = [float.fromhex(v) for v in argument["values"]]
                if argument["scalar"]:
                    arguments[argument["name"]] = values[0]
                else:
                    arguments[argument["name"]] = np.array(values, dtype=np.float64).reshape(argument["shape"])
            try:
                result = function(**arguments)
            except Exception:
                cases.append({"run": case["run"], "error": traceback.format_exc(limit=8)})
                continue
            if not isinstance(result, dict):
                cases.append({"run": case["run"], "error": "the function returned " + type(result).__name__ + ", not a dict of named arrays"})
                continue
            results = {}
            for key, value in result.items():
                try:
                    array = np.asarray(value, dtype=np.float64)
                    results[str(key)] = {"shape": list(array.shape), "values": [float(v).hex() for v in array.reshape(-1)]}
                except Exception as error:
                    results[str(key)] = {"error": "cannot be read as float64 numbers: " + str(error)}
            cases.append({"run": case["run"], "results": results})
        reply({"status": "ok", "python": sys.version.split()[0], "numpy": np.__version__, "cases": cases})
        """#
}
