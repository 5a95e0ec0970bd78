package main

import (
	"fmt"
	"os"

	"github.com/kubedojo/kubedojo/lessons"
)

func main() {
	c, err := lessons.Load(os.DirFS(os.Args[1]))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println(len(c.Exercises()))
}
