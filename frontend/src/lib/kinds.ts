// The error kinds as a value: the generated enum from the Go constants
// (view.AllErrorKinds, bound with Wails' EnumBind).
import { view } from '../../wailsjs/go/models';

export const ErrorKind = view.ErrorKind;
export type ErrorKind = view.ErrorKind;
