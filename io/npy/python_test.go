package npy

import "os/exec"

func runPython(py, script string, args ...string) (string, error) {
	out, err := exec.Command(py, append([]string{"-c", script}, args...)...).CombinedOutput()
	return string(out), err
}
