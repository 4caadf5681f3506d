// Copies node and credential icons into dist, byte for byte.
// gulp 5 reads files as UTF-8 by default, which corrupts PNGs: encoding:false keeps them binary.
const path = require('node:path');
const { task, src, dest, parallel } = require('gulp');

function copyIcons(folder) {
	const copy = () =>
		src(path.join(folder, '**', '*.{png,svg}'), { encoding: false }).pipe(
			dest(path.join('dist', folder)),
		);
	copy.displayName = `copy ${folder} icons`;
	return copy;
}

task('build:icons', parallel(copyIcons('nodes'), copyIcons('credentials')));
