"""Debian's jupyter_kernel_test suite against the im2im kernel: a KernelTests
subclass with Go samples for every feature the kernel has.

Run by e2e_test.go (TestJupyterKernelTestSuite) with JUPYTER_PATH pointing at a
temporary kernelspec: /usr/bin/python3 kernel_suite.py -v
"""
import unittest

import jupyter_kernel_test


class IM2IMKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "im2im"
    language_name = "go"
    file_extension = ".go"

    # fmt and os are imported for the cell (auto-import).
    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'os.Stderr.WriteString("to stderr\\n")'

    completion_samples = [
        {"text": "fmt.Prin", "matches": {"Print", "Printf", "Println"}},
        {"text": "display.Mark", "matches": {"Markdown"}},
        {"text": "im2im.Data{Pat", "matches": {"Path", "Patch"}},
    ]

    complete_code_samples = ["x := 1", "fmt.Println(1)", "func f() {}", "!echo {", "%env A=(", "%%writefile f.go\nfunc {"]
    incomplete_code_samples = ["x := 1 +", "y := a &&", "func f() {", "s := `raw", "if x {\n} else", "f(a,"]
    invalid_code_samples = ['x := "abc', "r := 'ab", "x := [}", "x := (1))"]

    code_generate_error = 'panic("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"a" + "b"', "result": '"ab"'},
        {"code": 'display.Markdown("**m**")\n6 * 7', "result": "42"},
    ]
    code_history_pattern = "1?+*"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": 'display.Markdown("**bold**")', "mime": "text/markdown"},
        {"code": 'display.HTML("<b>x</b>")', "mime": "text/html"},
    ]

    code_inspect_sample = "fmt.Println"

    code_clear_output = 'fmt.Println("before")\ndisplay.Clear()'


if __name__ == "__main__":
    unittest.main()
